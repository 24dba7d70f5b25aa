import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ConfigError } from "./edges/errors.ts";
import { OPERATOR_USAGE, parseOperatorArgs } from "./main.ts";

const CLI = join(import.meta.dirname, "cli.ts");

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: {} });

describe("parseOperatorArgs", () => {
  it("applies the documented defaults", () => {
    const o = parseOperatorArgs([], {});
    assert.ok(o !== "help");
    assert.equal(o.snapshotPort, 15010);
    assert.equal(o.adminPort, 15020);
    assert.equal(o.controllerName, "agentgateway.dev/ai-gateway");
    assert.equal(o.provision, true);
    assert.equal(o.leaderElect, true);
    assert.equal(o.namespace, "ai-gateway-system");
    assert.equal(o.controlPlaneUrl, "https://ai-gateway-operator.ai-gateway-system.svc:15010");
    assert.match(o.proxyImage, /^ghcr\.io\/ai-gateway\/ai-gateway:/);
    assert.deepEqual([o.leaseDurationMs, o.renewDeadlineMs, o.retryPeriodMs], [15_000, 10_000, 2_000]);
    assert.equal(o.snapshotTls, true);
    assert.equal(o.caValidityMs, 365 * 86_400_000);
    assert.equal(o.caBundleFile, undefined);
  });

  it("plain HTTP on the snapshot channel only on loopback (local development)", () => {
    const local = parseOperatorArgs(["--no-snapshot-tls", "--bind", "127.0.0.1"], {});
    assert.ok(local !== "help");
    assert.equal(local.snapshotTls, false);
    assert.equal(local.controlPlaneUrl, "http://ai-gateway-operator.ai-gateway-system.svc:15010");
    for (const bind of ["0.0.0.0", "10.0.0.5", "::"])
      assert.throws(() => parseOperatorArgs(["--no-snapshot-tls", "--bind", bind], {}), /loopback/);
  });

  it("parses the snapshot TLS flags", () => {
    const o = parseOperatorArgs(
      ["--snapshot-tls", "--ca-validity", "2m", "--ca-bundle-file", "/tmp/ca.crt"],
      {},
    );
    assert.ok(o !== "help");
    assert.equal(o.snapshotTls, true);
    assert.equal(o.caValidityMs, 120_000);
    assert.equal(o.caBundleFile, "/tmp/ca.crt");
    assert.throws(() => parseOperatorArgs(["--ca-validity", "1y"], {}), /--ca-validity: not a duration/);
  });

  it("reads env defaults and negated booleans", () => {
    const o = parseOperatorArgs(["--no-provision", "--no-leader-elect"], {
      POD_NAMESPACE: "ops",
    });
    assert.ok(o !== "help");
    assert.deepEqual([o.namespace, o.provision, o.leaderElect], ["ops", false, false]);
  });

  it("refuses bad input with a clear message", () => {
    assert.throws(() => parseOperatorArgs(["--bogus"], {}), ConfigError);
    assert.throws(() => parseOperatorArgs(["--token-file", "/x"], {}), /Unknown option '--token-file'/);
    assert.throws(() => parseOperatorArgs(["--admin-port", "http"], {}), /not a port/);
    assert.throws(() => parseOperatorArgs(["--provider-override", "ftp://x"], {}), /URL/);
    assert.throws(() => parseOperatorArgs(["--renew-deadline", "20s"], {}), /shorter than --lease-duration/);
  });

  it("--help lists every flag of docs/cli.md", () => {
    for (const flag of [
      "--snapshot-port",
      "--admin-port",
      "--controller-name",
      "--no-provision",
      "--proxy-image",
      "--no-leader-elect",
      "--namespace",
      "--provider-override",
    ]) {
      assert.ok(OPERATOR_USAGE.includes(flag), flag);
    }
  });
});

describe("ai-gateway CLI", () => {
  it("prints usage with the subcommands, and the version", () => {
    const help = run("--help");
    assert.equal(help.status, 0);
    for (const cmd of ["operator", "proxy", "standalone"])
      assert.match(help.stdout, new RegExp(`\\n  ${cmd} `));
    const version = run("--version");
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it("exits non-zero with a message on an unknown command or flag", () => {
    const cmd = run("frobnicate");
    assert.equal(cmd.status, 2);
    assert.match(cmd.stderr, /unknown command 'frobnicate'/);
    const flag = run("operator", "--nope");
    assert.equal(flag.status, 2);
    assert.match(flag.stderr, /Unknown option '--nope'/);
  });
});
