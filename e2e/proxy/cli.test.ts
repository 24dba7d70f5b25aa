// `ai-gateway proxy` as a real process: flags from docs/cli.md, the token from --token-file, the
// snapshot from a stream server, traffic on the mapped port, JSON logs without the token, and a
// clean exit on SIGTERM.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { formatProxyArgs } from "../../gateway/src/flags.ts";
import { freePort } from "../harness/free-port.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { eventually, LOOPBACK, postJson, stopChild } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";
import { TinyStreamServer } from "./tiny-stream-server.ts";

const CLI = fileURLToPath(new URL("../../operator/src/cli.ts", import.meta.url));
const TOKEN = "cli-stream-token-81f0aa";
const PROVIDER_KEY = "sk-cli-provider-key-2c9d";

describe("proxy: the ai-gateway proxy command", () => {
  let sim: Simulator;
  let server: TinyStreamServer;
  let dir: string;
  let child: ChildProcess | undefined;
  let output = "";

  before(async () => {
    sim = await startSimulator({ chunks: 2, requireKey: PROVIDER_KEY });
    server = new TinyStreamServer(TOKEN, 1000);
    dir = mkdtempSync(join(tmpdir(), "proxy-cli-"));
  });
  after(async () => {
    await stopChild(child);
    await server?.close();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("--help lists every flag; a bad flag exits 2 with the reason", () => {
    const help = spawnSync(process.execPath, [CLI, "proxy", "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0);
    for (const flag of [
      "--gateway",
      "--control-plane",
      "--token-file",
      "--admin-port",
      "--port-map",
      "--bind",
      "--max-body-bytes",
      "--drain-killed",
      "--kill-grace-ms",
    ]) {
      assert.ok(help.stdout.includes(flag), flag);
    }
    const bad = spawnSync(process.execPath, [CLI, "proxy", "--gateway", "ai/gw"], {
      encoding: "utf8",
      env: { ...process.env, AI_GATEWAY_TOKEN: "" },
    });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--control-plane is required/);
  });

  it("serves the streamed snapshot on the mapped port and exits cleanly on SIGTERM", async () => {
    const url = await server.listen();
    server.current = snapshot({
      backends: [
        backend("openai", [
          [
            provider(sim.url, "openai", {
              auth: {
                mode: "inject",
                header: "Authorization",
                prefix: "Bearer ",
                credential: PROVIDER_KEY,
                source: "inline",
              },
            }),
          ],
        ]),
      ],
      routes: [route("chat", ["openai"])],
    });
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const adminPort = await freePort();
    const listenPort = await freePort();
    child = spawn(
      process.execPath,
      [
        CLI,
        "proxy",
        ...formatProxyArgs({
          gateway: "ai/gw",
          controlPlane: url,
          tokenFile,
          adminPort,
          portMap: { 80: listenPort },
          bind: LOOPBACK,
        }),
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, AI_GATEWAY_TOKEN: "" } },
    );
    child.stdout?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    child.stderr?.on("data", (c: Buffer) => {
      output += c.toString();
    });
    await eventually(() => server.acks.some((a) => a.accepted), "the proxy to ack the snapshot", 20_000);
    await eventually(
      async () =>
        (await fetch(`http://${LOOPBACK}:${adminPort}/ready`).catch(() => undefined))?.status === 200,
      "readiness",
    );
    await eventually(async () => {
      const res = await postJson(`http://${LOOPBACK}:${listenPort}/v1/chat/completions`, {
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "hi" }],
      }).catch(() => undefined);
      await res?.text();
      return res?.status === 200;
    }, "traffic on the mapped port");
    assert.equal(sim.lastRequest()?.headers.authorization, `Bearer ${PROVIDER_KEY}`);

    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    assert.equal(await exited, 0);
    const lines = output.trim().split("\n");
    assert.ok(lines.length > 0);
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `not a JSON log line: ${line}`);
    assert.ok(!output.includes(TOKEN), "the stream token is not logged");
    assert.ok(!output.includes(PROVIDER_KEY), "the provider key is not logged");
  });
});
