// Providers over TLS (provider.tls): the proxy verifies the upstream certificate — a provider whose
// certificate chains to a trusted CA (NODE_EXTRA_CA_CERTS for the proxy process) answers; an
// untrusted one fails closed with 502 upstream_unreachable. Certificates are made with openssl.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { formatProxyArgs } from "../../gateway/src/flags.ts";
import { freePort } from "../harness/free-port.ts";
import { eventually, LOOPBACK, type ProxyWorld, postJson, startProxyWorld, stopChild } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";
import { TinyStreamServer } from "./tiny-stream-server.ts";

const CLI = fileURLToPath(new URL("../../operator/src/cli.ts", import.meta.url));
const TOKEN = "tls-stream-token-55e1";

function openssl(dir: string, args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  assert.equal(r.status, 0, `openssl ${args[0]}: ${r.stderr}`);
}

/** A CA and a server certificate for 127.0.0.1 signed by it. */
function makeCerts(dir: string): { ca: string; key: string; cert: string } {
  openssl(dir, [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=proxy-test-ca",
  ]);
  openssl(dir, [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "srv.key",
    "-out",
    "srv.csr",
    "-subj",
    "/CN=127.0.0.1",
  ]);
  writeFileSync(join(dir, "ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
  openssl(dir, [
    "x509",
    "-req",
    "-in",
    "srv.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "srv.pem",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
  ]);
  return { ca: join(dir, "ca.pem"), key: join(dir, "srv.key"), cert: join(dir, "srv.pem") };
}

describe("proxy: providers over TLS", () => {
  let dir: string;
  let upstream: https.Server;
  let upstreamPort: number;
  let server: TinyStreamServer;
  let world: ProxyWorld;
  let child: ChildProcess | undefined;
  const seen: { host?: string; authorization?: string }[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "proxy-tls-"));
    const certs = makeCerts(dir);
    upstream = https.createServer(
      { key: readFileSync(certs.key), cert: readFileSync(certs.cert) },
      (req, res) => {
        seen.push({ host: req.headers.host, authorization: req.headers.authorization });
        req.resume();
        req.on("end", () => {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              model: "m",
              choices: [{ message: { content: "over tls" } }],
              usage: { prompt_tokens: 1, completion_tokens: 2 },
            }),
          );
        });
      },
    );
    await new Promise<void>((resolve) => upstream.listen(0, LOOPBACK, resolve));
    upstreamPort = (upstream.address() as AddressInfo).port;
    server = new TinyStreamServer(TOKEN, 1000);
    world = await startProxyWorld();
  });
  after(async () => {
    await stopChild(child);
    await world?.close();
    await server?.close();
    upstream?.closeAllConnections();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tlsSnapshot = () =>
    snapshot({
      backends: [
        backend("tls", [
          [
            provider(`https://${LOOPBACK}:${upstreamPort}`, "openai", {
              tls: true,
              auth: {
                mode: "inject",
                header: "Authorization",
                prefix: "Bearer ",
                credential: "sk-tls",
                source: "inline",
              },
            }),
          ],
        ]),
      ],
      routes: [route("chat", ["tls"])],
    });

  it("an untrusted provider certificate fails closed with 502", async () => {
    assert.equal((await world.apply(tlsSnapshot())).accepted, true);
    const res = await postJson(`${world.base}/v1/chat/completions`, { model: "m", messages: [] });
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "upstream_unreachable");
    assert.equal(seen.length, 0, "no request reached the untrusted upstream");
  });

  it("a provider with a trusted certificate is reached over TLS", async () => {
    const url = await server.listen();
    server.current = tlsSnapshot();
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, TOKEN);
    const port = await freePort();
    const adminPort = await freePort();
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
          portMap: { 80: port },
          bind: LOOPBACK,
        }),
      ],
      { stdio: "ignore", env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "ca.pem") } },
    );
    let answer: { choices?: { message?: { content?: string } }[] } | undefined;
    await eventually(
      async () => {
        const res = await postJson(`http://${LOOPBACK}:${port}/v1/chat/completions`, {
          model: "m",
          messages: [],
        }).catch(() => undefined);
        if (res?.status !== 200) {
          await res?.text();
          return false;
        }
        answer = (await res.json()) as typeof answer;
        return true;
      },
      "an answer over TLS",
      20_000,
    );
    assert.equal(answer?.choices?.[0]?.message?.content, "over tls");
    assert.equal(seen.at(-1)?.host, `${LOOPBACK}:${upstreamPort}`);
    assert.equal(seen.at(-1)?.authorization, "Bearer sk-tls");
  });
});
