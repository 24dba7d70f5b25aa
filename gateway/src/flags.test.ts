import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  DEFAULT_LIMITS,
  formatProxyArgs,
  PROXY_HELP,
  parsePortMap,
  parseProxyArgs,
  UsageError,
} from "./flags.ts";

const base = ["--gateway", "ai/gw", "--control-plane", "http://127.0.0.1:15010"];

test("defaults follow docs/cli.md", () => {
  const p = parseProxyArgs(base, { AI_GATEWAY_TOKEN: "t0k" });
  assert.ok(!p.help);
  assert.deepEqual(p.flags.gateway, { namespace: "ai", name: "gw" });
  assert.equal(p.flags.token, "t0k");
  assert.equal(p.flags.adminPort, 15000);
  assert.equal(p.flags.bind, "127.0.0.1");
  assert.equal(p.flags.maxBodyBytes, 10485760);
  assert.equal(p.flags.drainKilled, false);
  assert.equal(p.flags.killGraceMs, 1000);
  assert.equal(p.flags.portMap.size, 0);
});

test("every flag parses; the token file wins over the environment", () => {
  const dir = mkdtempSync(join(tmpdir(), "proxy-flags-"));
  try {
    const file = join(dir, "token");
    writeFileSync(file, "from-file\n");
    const p = parseProxyArgs(
      [
        ...base,
        "--token-file",
        file,
        "--admin-port",
        "15001",
        "--port-map",
        "80=8080,443=8443",
        "--bind",
        "127.0.0.1",
        "--max-body-bytes",
        "100",
        "--drain-killed",
        "--kill-grace-ms",
        "0",
      ],
      { AI_GATEWAY_TOKEN: "from-env" },
    );
    assert.ok(!p.help);
    assert.equal(p.flags.token, "from-file");
    assert.deepEqual(
      [...p.flags.portMap],
      [
        [80, 8080],
        [443, 8443],
      ],
    );
    assert.equal(p.flags.adminPort, 15001);
    assert.equal(p.flags.bind, "127.0.0.1");
    assert.equal(p.flags.maxBodyBytes, 100);
    assert.equal(p.flags.drainKilled, true);
    assert.equal(p.flags.killGraceMs, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("usage errors are specific", () => {
  assert.throws(
    () => parseProxyArgs(["--control-plane", "http://x"], { AI_GATEWAY_TOKEN: "t" }),
    /--gateway is required/,
  );
  assert.throws(
    () => parseProxyArgs(["--gateway", "gw", "--control-plane", "http://x"], { AI_GATEWAY_TOKEN: "t" }),
    /namespace/,
  );
  assert.throws(() => parseProxyArgs(base, {}), /token is required/);
  assert.throws(() => parseProxyArgs([...base, "--admin-port", "x"], { AI_GATEWAY_TOKEN: "t" }), UsageError);
  assert.throws(() => parseProxyArgs([...base, "--bogus"], { AI_GATEWAY_TOKEN: "t" }), UsageError);
  assert.throws(() => parsePortMap("80:8080"), /gatewayPort/);
});

test("--help lists every flag of docs/cli.md", () => {
  assert.deepEqual(parseProxyArgs(["--help"]), { help: true });
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
    assert.ok(PROXY_HELP.includes(flag), flag);
  }
});

test("formatProxyArgs is the inverse of parseProxyArgs", () => {
  const dir = mkdtempSync(join(tmpdir(), "aigw-flags-"));
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, "t0ken\n");
  try {
    const argv = formatProxyArgs({
      gateway: "ns/gw",
      controlPlane: "http://127.0.0.1:15010/",
      tokenFile,
      adminPort: 15001,
      portMap: new Map([
        [80, 8080],
        [443, 8443],
      ]),
      bind: "127.0.0.1",
    });
    const parsed = parseProxyArgs(argv, {});
    assert.equal(parsed.help, false);
    if (parsed.help) return;
    assert.deepEqual(parsed.flags.gateway, { namespace: "ns", name: "gw" });
    assert.equal(parsed.flags.controlPlane, "http://127.0.0.1:15010/");
    assert.equal(parsed.flags.token, "t0ken");
    assert.equal(parsed.flags.adminPort, 15001);
    assert.deepEqual(
      [...parsed.flags.portMap],
      [
        [80, 8080],
        [443, 8443],
      ],
    );
    assert.equal(parsed.flags.bind, "127.0.0.1");
    assert.deepEqual(formatProxyArgs({ gateway: "a/b", controlPlane: "http://x", tokenFile: "/t" }), [
      "--gateway",
      "a/b",
      "--control-plane",
      "http://x",
      "--token-file",
      "/t",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("limits and timeouts: defaults, parsing, bounds and the launch formatter round trip", () => {
  const d = parseProxyArgs(base, { AI_GATEWAY_TOKEN: "t" });
  assert.ok(!d.help);
  assert.deepEqual(d.flags.limits, DEFAULT_LIMITS);
  const args = formatProxyArgs({
    gateway: "ai/gw",
    controlPlane: "http://127.0.0.1:15010",
    tokenFile: "/dev/null",
    limits: { maxConnections: 3, upstreamIdleTimeoutMs: 250, maxInflightBodyBytes: 1000 },
  });
  const withoutTokenFile = args.filter((a, i) => a !== "--token-file" && args[i - 1] !== "--token-file");
  const p = parseProxyArgs(withoutTokenFile, { AI_GATEWAY_TOKEN: "t" });
  assert.ok(!p.help);
  assert.deepEqual(p.flags.limits, {
    ...DEFAULT_LIMITS,
    maxConnections: 3,
    upstreamIdleTimeoutMs: 250,
    maxInflightBodyBytes: 1000,
  });
  assert.throws(
    () => parseProxyArgs([...base, "--upstream-idle-timeout-ms", "0"], { AI_GATEWAY_TOKEN: "t" }),
    UsageError,
  );
  assert.throws(
    () => parseProxyArgs([...base, "--max-connections", "-1"], { AI_GATEWAY_TOKEN: "t" }),
    UsageError,
  );
});

test("--redis-url takes the password from the environment only, and must be a redis URL", () => {
  const p = parseProxyArgs([...base, "--redis-url", "redis://127.0.0.1:6379"], {
    AI_GATEWAY_TOKEN: "t",
    AI_GATEWAY_REDIS_PASSWORD: "s3cret",
  });
  assert.ok(!p.help);
  if (!p.help) assert.deepEqual(p.flags.redis, { url: "redis://127.0.0.1:6379", password: "s3cret" });
  const none = parseProxyArgs(base, { AI_GATEWAY_TOKEN: "t", AI_GATEWAY_REDIS_PASSWORD: "x" });
  if (!none.help) assert.equal(none.flags.redis, undefined);
  assert.throws(
    () => parseProxyArgs([...base, "--redis-url", "http://x"], { AI_GATEWAY_TOKEN: "t" }),
    UsageError,
  );
  assert.deepEqual(
    formatProxyArgs({
      gateway: "ai/gw",
      controlPlane: "http://c",
      tokenFile: "/t",
      redisUrl: "redis://r:6379",
    }).slice(-2),
    ["--redis-url", "redis://r:6379"],
  );
});

test("--snapshot-ca: needs an https control plane and a readable PEM file", () => {
  const dir = mkdtempSync(join(tmpdir(), "aigw-flags-ca-"));
  try {
    const ca = join(dir, "ca.crt");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\n");
    const https = ["--gateway", "ai/gw", "--control-plane", "https://ai-gateway-operator.sys.svc:15010"];
    const ok = parseProxyArgs([...https, "--snapshot-ca", ca], { AI_GATEWAY_TOKEN: "t" });
    assert.ok(!ok.help);
    assert.equal(ok.flags.snapshotCa, ca);
    assert.throws(
      () => parseProxyArgs([...base, "--snapshot-ca", ca], { AI_GATEWAY_TOKEN: "t" }),
      /--snapshot-ca needs an https/,
    );
    assert.throws(
      () => parseProxyArgs([...https, "--snapshot-ca", join(dir, "missing")], { AI_GATEWAY_TOKEN: "t" }),
      (e: unknown) => e instanceof UsageError && /cannot be read or holds no PEM/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
