import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { estimateInputTokens, type RecordedRequest, simulatedReplyText } from "./index.ts";
import { parseCli } from "./main.ts";
import { postJson } from "./testing.ts";

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));

function startCli(args: string[]): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const url = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /^SIMULATOR_URL=(\S+)$/m.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    child.once("exit", (code) => reject(new Error(`simulator exited early (${code}): ${out}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = (await exited) as [number | null];
  return code;
}

describe("simulator CLI and control API", () => {
  let child: ChildProcess;
  let url: string;
  const control = (path: string, body?: unknown) =>
    body === undefined ? fetch(`${url}/_sim/${path}`) : postJson(`${url}/_sim/${path}`, body);
  const chatAs = (key: string, stream = false) =>
    postJson(
      `${url}/v1/chat/completions`,
      { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello world" }], stream },
      { authorization: `Bearer ${key}` },
    );

  before(async () => {
    const started = startCli(["--port", "0", "--chunks", "3", "--require-key", "k1", "--require-key", "k2"]);
    child = started.child;
    url = await started.url;
  });
  after(async () => {
    if (child) await stop(child);
  });

  it("prints its URL on a loopback address and reports health", async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await control("health");
    assert.deepEqual(await res.json(), { ok: true });
  });

  it("applies the CLI flags: chunks and several required keys", async () => {
    assert.equal((await chatAs("nope")).status, 401);
    const r = (await (await chatAs("k2")).json()) as {
      choices: { message: { content: string } }[];
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    assert.equal(r.choices[0]?.message.content, simulatedReplyText(3));
    assert.equal(r.usage.completion_tokens, 3);
    assert.equal(r.usage.prompt_tokens, estimateInputTokens(["hello world"]));
  });

  it("records requests, serves them on GET /_sim/requests, and clears them on reset", async () => {
    await control("reset", {});
    await chatAs("k1");
    const recs = (await (await control("requests")).json()) as RecordedRequest[];
    assert.equal(recs.length, 1, "control calls are not recorded");
    assert.equal(recs[0]?.path, "/v1/chat/completions");
    assert.equal(recs[0]?.headers["content-type"], "application/json");
    assert.deepEqual((recs[0]?.body as { messages?: unknown } | undefined)?.messages, [
      { role: "user", content: "hello world" },
    ]);
    assert.equal(recs[0]?.aborted, false);
    await control("reset", {});
    assert.deepEqual(await (await control("requests")).json(), []);
  });

  it("injects faults with count and pathPrefix", async () => {
    const ok = await control("fault", { fault: { kind: "status", status: 503, retryAfter: 2 }, count: 2 });
    assert.equal(ok.status, 200);
    const first = await chatAs("k1");
    assert.equal(first.status, 503);
    assert.equal(first.headers.get("retry-after"), "2");
    assert.equal((await chatAs("k1")).status, 503);
    assert.equal((await chatAs("k1")).status, 200);
    await control("fault", { fault: { kind: "reset" }, pathPrefix: "/v1/embeddings" });
    assert.equal((await chatAs("k1")).status, 200);
    await assert.rejects(postJson(`${url}/v1/embeddings`, { model: "e", input: "x" }));
    await control("reset", {});
    const settings = (await (await control("settings")).json()) as { armedFaults: number };
    assert.equal(settings.armedFaults, 0);
  });

  it("rotates the key, changes latency and chunks", async () => {
    assert.equal((await control("key", { key: "k3" })).status, 200);
    assert.equal((await chatAs("k1")).status, 401);
    assert.equal((await chatAs("k3")).status, 200);
    assert.equal((await control("key", { key: null })).status, 200);
    assert.equal((await chatAs("whatever")).status, 200);
    assert.equal((await control("latency", { ttftMs: 0, interTokenMs: 1 })).status, 200);
    assert.equal((await control("chunks", { chunks: 4 })).status, 200);
    const settings = (await (await control("settings")).json()) as Record<string, unknown>;
    assert.deepEqual(settings, { ttftMs: 0, interTokenMs: 1, chunks: 4, keyCheck: false, armedFaults: 0 });
    const text = await (await chatAs("x", true)).text();
    assert.equal(text.match(/"content":"[^"]+"/g)?.length, 4);
  });

  it("rejects invalid control bodies and unknown endpoints", async () => {
    assert.equal((await control("fault", { fault: { kind: "explode" } })).status, 400);
    assert.equal((await control("fault", { fault: { kind: "status", status: 200 } })).status, 400);
    assert.equal((await control("latency", { ttftMs: -5 })).status, 400);
    assert.equal((await control("chunks", { chunks: 0 })).status, 400);
    const notJson = await fetch(`${url}/_sim/latency`, { method: "POST", body: "{" });
    assert.equal(notJson.status, 400);
    assert.equal((await control("nope")).status, 404);
  });

  it("exits cleanly on SIGTERM", async () => {
    assert.equal(await stop(child), 0);
    await assert.rejects(fetch(`${url}/_sim/health`));
  });
});

describe("simulator CLI flags", () => {
  it("parses flags", () => {
    assert.deepEqual(
      parseCli([
        "--port",
        "0",
        "--host",
        "127.0.0.1",
        "--ttft-ms",
        "5",
        "--inter-token-ms",
        "2",
        "--chunks",
        "200",
      ]),
      { port: 0, host: "127.0.0.1", ttftMs: 5, interTokenMs: 2, chunks: 200 },
    );
    assert.deepEqual(parseCli([]), { port: 9000 });
    assert.deepEqual(parseCli(["--require-key", "a"]), { port: 9000, requireKey: ["a"] });
    assert.equal(parseCli(["--help"]), "help");
  });

  it("rejects bad values and unknown flags", () => {
    assert.throws(() => parseCli(["--chunks", "many"]), /--chunks/);
    assert.throws(() => parseCli(["--ttft-ms", "-1"]), /--ttft-ms/);
    assert.throws(() => parseCli(["--bogus"]));
  });

  it("exits 2 on a bad flag without listening", { timeout: 60_000 }, async (t) => {
    const child = spawn(process.execPath, [MAIN, "--port", "0", "--chunks", "x"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    t.after(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const [code] = (await once(child, "exit")) as [number | null];
    assert.equal(code, 2);
    assert.match(err, /--chunks/);
  });
});
