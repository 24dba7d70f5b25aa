// The policy stage's one hook in the pipeline: reserve before the upstream call, settle when the
// exchange ends, and hand the relay the output allowance that ends a stream crossing a budget.
// The logic lives in gateway/src/policy/.
import type { PolicyEngine } from "../policy/engine.ts";
import type { CompiledRoute, CompiledSnapshot } from "../snapshot/compile.ts";
import { parseWholeBody, type RequestBody } from "./body.ts";
import { matchedKeyId } from "./client-auth.ts";
import type { Exchange } from "./exchange.ts";

export async function admitPolicies(
  ex: Exchange,
  engine: PolicyEngine,
  snap: CompiledSnapshot,
  route: CompiledRoute,
  path: string,
  body: RequestBody,
): Promise<void> {
  const policies = snap.snapshot.policies;
  if (!policies || policies.length === 0) return;
  const first = route.backends[0]?.backend.groups[0]?.[0]?.config;
  // counting input tokens needs every message: parsed only when a policy applies (the body's size
  // and depth are already bounded by the scan)
  const json = parseWholeBody(body);
  const bodyModel =
    typeof json === "object" && json !== null && typeof (json as { model?: unknown }).model === "string"
      ? (json as { model: string }).model
      : undefined;
  const headers = ex.clientHeaders;
  const grant = await engine.admit({
    policies,
    route: route.config,
    clientKeyId: matchedKeyId(headers.authorization, route.clientAuth),
    header: (n) => {
      const v = headers[n];
      return Array.isArray(v) ? v.join(", ") : v;
    },
    body: json,
    provider: first?.kind ?? "openai",
    model: first?.model ?? bodyModel,
    format: path.endsWith("/v1/messages") ? "anthropic" : "openai",
  });
  if (!grant) return;
  for (const [k, v] of Object.entries(grant.headers)) ex.res.setHeader(k, v);
  ex.outputAllowance = grant.outputAllowance;
  ex.onFinish(() => {
    const forwarded = ex.provider !== undefined;
    const failed = ex.res.statusCode >= 400;
    void grant.settle(ex.usage, forwarded, failed);
  });
}
