import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { binPath, cacheDir, gatewayApiCrdsPath, parseVersionsEnv, versions } from "./versions.ts";

const SAMPLE = `# comment
NODE_MAJOR=24
KUBERNETES_VERSION=v1.34.4   # trailing comment

ETCD_VERSION="v3.6.16"
HELM_VERSION='v3.21.4'
GATEWAY_API_VERSION=v1.4.1
COREDNS_VERSION=v1.12.4
CRICTL_VERSION=v1.34.0
PAUSE_VERSION=v1
`;

describe("versions.env", () => {
  it("parses comments, blank lines, quotes and trailing comments", () => {
    assert.deepEqual(parseVersionsEnv(SAMPLE), {
      nodeMajor: 24,
      kubernetes: "v1.34.4",
      etcd: "v3.6.16",
      helm: "v3.21.4",
      gatewayApi: "v1.4.1",
      coredns: "v1.12.4",
      crictl: "v1.34.0",
      pause: "v1",
    });
  });

  it("rejects a malformed line with its line number", () => {
    assert.throws(() => parseVersionsEnv(`${SAMPLE}export FOO BAR\n`), /line 11/);
  });

  it("rejects a missing or malformed version", () => {
    assert.throws(() => parseVersionsEnv(SAMPLE.replace('ETCD_VERSION="v3.6.16"', "")), /ETCD_VERSION/);
    assert.throws(() => parseVersionsEnv(SAMPLE.replace("v1.4.1", "latest")), /GATEWAY_API_VERSION/);
  });

  it("reads the repository's own file", () => {
    assert.match(versions.kubernetes, /^v1\.\d+\.\d+$/);
    assert.equal(versions.nodeMajor, 24);
  });
});

describe("cache paths", () => {
  it("follow AI_GATEWAY_CACHE like scripts/binaries.sh", () => {
    const saved = process.env.AI_GATEWAY_CACHE;
    try {
      process.env.AI_GATEWAY_CACHE = "/opt/agw-cache";
      assert.equal(cacheDir(), "/opt/agw-cache");
      assert.equal(binPath("etcd"), `/opt/agw-cache/bin/etcd-${versions.etcd}`);
      assert.equal(binPath("kube-apiserver"), `/opt/agw-cache/bin/kube-apiserver-${versions.kubernetes}`);
      assert.equal(binPath("helm"), `/opt/agw-cache/bin/helm-${versions.helm}`);
      assert.equal(
        gatewayApiCrdsPath(),
        `/opt/agw-cache/gateway-api-${versions.gatewayApi}/standard-install.yaml`,
      );
      delete process.env.AI_GATEWAY_CACHE;
      assert.match(cacheDir(), /\/\.cache\/ai-gateway$/);
    } finally {
      if (saved === undefined) delete process.env.AI_GATEWAY_CACHE;
      else process.env.AI_GATEWAY_CACHE = saved;
    }
  });
});
