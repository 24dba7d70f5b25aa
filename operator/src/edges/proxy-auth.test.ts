import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SNAPSHOT_TOKEN_AUDIENCE } from "../../../gateway/src/snapshot/protocol.ts";
import { mayServe, proxyUsername, TOKEN_REVIEW_PATH, tokenReviewAuthenticator } from "./proxy-auth.ts";

describe("proxy identity", () => {
  it("a Gateway's proxy is its provisioned ServiceAccount, and only that one", () => {
    const id = { username: proxyUsername("team-a", "edge") };
    assert.equal(id.username, "system:serviceaccount:team-a:edge");
    assert.equal(mayServe(id, "team-a/edge"), true);
    assert.equal(mayServe(id, "team-b/edge"), false);
    assert.equal(mayServe(id, "team-a/other"), false);
    assert.equal(mayServe(id, "team-a:edge"), false);
    assert.equal(mayServe({ username: "system:serviceaccount:team-a:edge:x" }, "team-a/edge"), false);
  });

  it("asks TokenReview with the snapshot audience and caches the answer by token hash for the TTL", async () => {
    const bodies: unknown[] = [];
    let clock = 1_000;
    const auth = tokenReviewAuthenticator({
      now: () => clock,
      ttlMs: 30_000,
      client: {
        call: async (method: string, path: string, opts?: { body?: unknown }) => {
          assert.equal(method, "POST");
          assert.equal(path, TOKEN_REVIEW_PATH);
          bodies.push(opts?.body);
          const token = (opts?.body as { spec: { token: string } } | undefined)?.spec.token;
          return token === "good"
            ? {
                status: {
                  authenticated: true,
                  user: { username: "system:serviceaccount:a:b" },
                  audiences: [SNAPSHOT_TOKEN_AUDIENCE],
                },
              }
            : { status: { authenticated: false, error: "invalid bearer token" } };
        },
      },
    });
    assert.deepEqual(await auth("good"), { username: "system:serviceaccount:a:b" });
    assert.deepEqual(bodies[0], {
      apiVersion: "authentication.k8s.io/v1",
      kind: "TokenReview",
      spec: { token: "good", audiences: [SNAPSHOT_TOKEN_AUDIENCE] },
    });
    assert.equal(await auth("bad"), undefined);
    await auth("good");
    await auth("bad");
    assert.equal(bodies.length, 2, "cached within the TTL, valid and invalid alike");
    clock += 30_001;
    await auth("good");
    assert.equal(bodies.length, 3, "asked again after the TTL");
  });

  it("refuses an authenticated token whose audiences do not include ours", async () => {
    const auth = tokenReviewAuthenticator({
      client: {
        call: async () => ({
          status: {
            authenticated: true,
            user: { username: "system:serviceaccount:a:b" },
            audiences: ["https://kubernetes.default.svc"],
          },
        }),
      },
    });
    assert.equal(await auth("t"), undefined);
  });

  it("propagates a TokenReview failure (the server answers 503), caching nothing", async () => {
    let calls = 0;
    const auth = tokenReviewAuthenticator({
      client: {
        call: async () => {
          calls += 1;
          throw new Error("POST tokenreviews: HTTP 500");
        },
      },
    });
    await assert.rejects(auth("t"), /HTTP 500/);
    await assert.rejects(auth("t"), /HTTP 500/);
    assert.equal(calls, 2);
  });
});
