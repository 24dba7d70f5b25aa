import assert from "node:assert/strict";
import { it } from "node:test";
import { createLogger } from "./log.ts";

it("redacts credentials and private keys by path (the second line of defence)", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", destination: { write: (s: string) => void lines.push(s) } });
  log.info({ credential: "sk-a", auth: { credential: "sk-b" } }, "auth");
  log.info(
    { privateKey: "PK-1", upstreamTls: { privateKey: "PK-2" }, p: { upstreamTls: { privateKey: "PK-3" } } },
    "tls",
  );
  const text = lines.join("");
  for (const secret of ["sk-a", "sk-b", "PK-1", "PK-2", "PK-3"]) assert.ok(!text.includes(secret), secret);
  assert.equal(text.split("[REDACTED]").length - 1, 5);
});
