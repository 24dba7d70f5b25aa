// Who a proxy on the snapshot stream is. Each provisioned proxy presents a projected,
// audience-bound, short-lived ServiceAccount token (out of cluster: one from the TokenRequest
// API, `kubectl create token`); the operator asks the API server (TokenReview with the snapshot
// audience) who it belongs to. A proxy may read, and ack, only the Gateway whose provisioned
// ServiceAccount it is: system:serviceaccount:<gateway namespace>:<gateway name>.
//
// Results are cached ~30 s keyed by the sha256 of the token; the token itself is never stored,
// logged or put in an error.
import { createHash } from "node:crypto";
import { SNAPSHOT_TOKEN_AUDIENCE } from "../../../gateway/src/snapshot/protocol.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";

export const TOKEN_REVIEW_PATH = "/apis/authentication.k8s.io/v1/tokenreviews";
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 4096;

export interface ProxyIdentity {
  /** e.g. system:serviceaccount:team-a:edge */
  username: string;
}

/** Resolves the identity behind a bearer token, or undefined when the token is not valid. */
export type Authenticate = (token: string) => Promise<ProxyIdentity | undefined>;

/** The username of the provisioned ServiceAccount of a Gateway (the SA is named like the Gateway). */
export function proxyUsername(gatewayNamespace: string, gatewayName: string): string {
  return `system:serviceaccount:${gatewayNamespace}:${gatewayName}`;
}

/** May this identity read and ack "<namespace>/<name>"? */
export function mayServe(identity: ProxyIdentity, gateway: string): boolean {
  const slash = gateway.indexOf("/");
  if (slash <= 0) return false;
  return identity.username === proxyUsername(gateway.slice(0, slash), gateway.slice(slash + 1));
}

export interface TokenReviewOptions {
  client: Pick<KubeClient, "call">;
  audience?: string;
  ttlMs?: number;
  now?: () => number;
}

/** TokenReview against the API server, with the snapshot audience, cached by token hash. */
export function tokenReviewAuthenticator(opts: TokenReviewOptions): Authenticate {
  const audience = opts.audience ?? SNAPSHOT_TOKEN_AUDIENCE;
  const ttl = opts.ttlMs ?? CACHE_TTL_MS;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; identity: ProxyIdentity | undefined }>();
  return async (token) => {
    const key = createHash("sha256").update(token).digest("hex");
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttl) return hit.identity;
    const review = (await opts.client.call("POST", TOKEN_REVIEW_PATH, {
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenReview",
        spec: { token, audiences: [audience] },
      },
    })) as { status?: { authenticated?: boolean; user?: { username?: string }; audiences?: string[] } };
    const status = review?.status;
    const identity =
      status?.authenticated === true &&
      typeof status.user?.username === "string" &&
      (status.audiences === undefined || status.audiences.includes(audience))
        ? { username: status.user.username }
        : undefined;
    if (cache.size >= CACHE_MAX) {
      for (const [k, v] of cache) if (now() - v.at >= ttl) cache.delete(k);
      if (cache.size >= CACHE_MAX) cache.clear();
    }
    cache.set(key, { at: now(), identity });
    return identity;
  };
}
