// The request path of a listener, stage by stage: route match (by listener, host, path, headers;
// the body's model only when a model glob decides) → client auth → endpoint check (404/405, never
// forwarded; /v1/models answered here) → body read → kill-switch registration → upstream call
// (backend select, credentials, adapter with translation, undici) → relay and metering. Every stage either hands on or ends the exchange with a catalogued error.
import type { IncomingMessage, ServerResponse } from "node:http";
import { GatewayError, isGatewayError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { PolicyEngine } from "../policy/engine.ts";
import { parseGeminiPath } from "../providers/gemini.ts";
import { normalizeHost } from "../routing/host-index.ts";
import { normalizePrefix } from "../routing/path-index.ts";
import type { RouteQuery, Selection } from "../routing/table.ts";
import type { CompiledClientAuth, CompiledRoute, CompiledSnapshot } from "../snapshot/compile.ts";
import type { SnapshotStore } from "../snapshot/store.ts";
import { errorFormatOf } from "../translate/catalogue.ts";
import { bodyModel, parseBody, type RequestBody, readBody } from "./body.ts";
import type { BodyBudget } from "./body-budget.ts";
import { checkClientAuth } from "./client-auth.ts";
import { answerModels, nativeFormat, resolveEndpoint } from "./endpoint.ts";
import { Exchange, type ExchangeOutcome } from "./exchange.ts";
import type { InFlightRegistry } from "./inflight.ts";
import { type MeteringDeps, recordExchange } from "./metering.ts";
import { admitPolicies } from "./policy-stage.ts";
import { callUpstream, type UpstreamCallDeps } from "./upstream-call.ts";

export interface HandlerDeps extends UpstreamCallDeps {
  store: SnapshotStore;
  inflight: InFlightRegistry;
  metering: MeteringDeps;
  maxBodyBytes: number;
  /** Process-wide budget of buffered request-body bytes. */
  bodyBudget?: BodyBudget;
  /** Requests handled at once beyond this get 503 overloaded (0: no limit). */
  maxInflightRequests?: number;
  /** Called once per request refused by a limit (metric). */
  onLimited?: (limit: "requests" | "body_budget") => void;
  /** Called once per request whose client went away before its answer was complete (metric). */
  onClientGone?: () => void;
  log: Logger;
  /** Rate limits and budgets (AgentgatewayPolicy); absent: none enforced. */
  policy?: PolicyEngine;
}

export type ListenerHandler = (req: IncomingMessage, res: ServerResponse, gatewayPort: number) => void;

const HEALTH_PATH = "/health";

export function createListenerHandler(deps: HandlerDeps): ListenerHandler {
  const maxInflight = deps.maxInflightRequests ?? 0;
  let inflight = 0;
  return (req, res, gatewayPort) => {
    if (req.url === HEALTH_PATH && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.method === "HEAD" ? undefined : '{"status":"ok"}');
      return;
    }
    deps.metering.children.active(deps.metering.gateway()).inc();
    const ex = new Exchange(req, res, onDone);
    inflight++;
    res.once("close", () => {
      if (!ex.done) ex.clientGone();
    });
    if (maxInflight > 0 && inflight > maxInflight) {
      deps.onLimited?.("requests");
      // the body is not read: this connection cannot carry another request
      res.setHeader("connection", "close");
      ex.fail(new GatewayError("overloaded", { headers: { "retry-after": "1" } }));
      return;
    }
    handle(ex, gatewayPort, deps).catch(onError.bind(undefined, ex));
  };
  // bound once per listener handler, not per request
  function onDone(ex: Exchange, outcome: ExchangeOutcome): void {
    inflight--;
    if (outcome.reason === "client_disconnected") deps.onClientGone?.();
    recordExchange(deps.metering, ex, outcome);
  }
  function onError(ex: Exchange, err: unknown): void {
    if (isGatewayError(err)) {
      ex.fail(err);
      return;
    }
    // a client that leaves mid-body makes the body read fail: that is the client's doing, not ours
    if (ex.abortReason === "client_disconnected" || ex.req.destroyed || ex.res.destroyed) {
      ex.clientGone();
      return;
    }
    deps.log.error({ err: err instanceof Error ? err.message : String(err) }, "request handler failed");
    ex.failWith("internal_error");
  }
}

async function handle(ex: Exchange, gatewayPort: number, deps: HandlerDeps): Promise<void> {
  const snap = deps.store.current;
  if (!snap) throw new GatewayError("no_snapshot");
  const target = splitTarget(ex.req.url ?? "/");
  if (!target) throw new GatewayError("invalid_request", { message: "Invalid request target" });
  ex.clientFormat = errorFormatOf(target.path);
  const headers = ex.clientHeaders;
  const query: RouteQuery = {
    port: gatewayPort,
    host: normalizeHost(headers.host),
    path: target.path,
    header: (n) => {
      const v = headers[n];
      return Array.isArray(v) ? v.join(", ") : v;
    },
  };
  let sel: Selection = snap.table.select(query, null);
  if (sel.listener) ex.listener = sel.listener.name;
  let body: RequestBody | undefined;
  if (sel.kind === "need-model") {
    // A model glob decides: only a caller the Gateway's keys admit gets its body read first.
    authorize(ex, snap.gatewayAuth);
    body = await readAndParse(ex, deps);
    const model = bodyModel(body) ?? parseGeminiPath(target.path)?.model;
    sel = snap.table.select(query, model);
  }
  if (sel.kind !== "route") {
    authorize(ex, snap.gatewayAuth);
    throw new GatewayError("route_not_found");
  }
  const route = snap.routes[sel.entry.order] as CompiledRoute;
  ex.routeId = route.config.id;
  const gatewayKeyInAuthorization = authorize(ex, route.clientAuth);
  const path = rewritePath(target.path, route);
  const endpoint = resolveEndpoint(path, ex.req.method ?? "GET", route.config.api);
  if (endpoint instanceof GatewayError) throw endpoint;
  ex.clientFormat = endpoint.operation === "native" ? nativeFormat(route) : endpoint.format;
  if (endpoint.operation === "models" || endpoint.operation === "model")
    return answerModels(ex, route, endpoint);
  const unregister = registerInFlight(ex, route, snap, deps);
  ex.onFinish(unregister);
  body ??= await readAndParse(ex, deps);
  if (ex.aborted)
    throw new GatewayError(ex.abortReason === "route_killed" ? "route_killed" : "upstream_timeout");
  // most snapshots carry no AgentgatewayPolicy: no await (and no microtask) for them
  const policies = snap.snapshot.policies;
  if (deps.policy && policies && policies.length > 0)
    await admitPolicies(ex, deps.policy, snap, route, target.path, body);
  await callUpstream(
    ex,
    {
      route,
      path,
      query: new URLSearchParams(target.search),
      body,
      endpoint,
      gatewayKeyInAuthorization,
    },
    deps,
  );
}

/** Throws 401 unless the request carries an accepted key; true when a gateway key was used. */
function authorize(ex: Exchange, auth: CompiledClientAuth | undefined): boolean {
  const err = checkClientAuth(ex.clientHeaders.authorization, auth);
  if (err) throw err;
  return auth !== undefined;
}

async function readAndParse(ex: Exchange, deps: HandlerDeps): Promise<RequestBody> {
  let raw: Buffer;
  try {
    const read = await readBody(ex.req, deps.maxBodyBytes, deps.bodyBudget);
    raw = read.raw;
    const budget = deps.bodyBudget;
    if (budget && read.reserved > 0) ex.onFinish(() => budget.give(read.reserved));
  } catch (err) {
    if (isGatewayError(err) && (err.code === "request_too_large" || err.code === "body_budget_exceeded")) {
      // the rest of the body is not read: this connection cannot carry another request
      ex.res.setHeader("connection", "close");
      if (err.code === "body_budget_exceeded") deps.onLimited?.("body_budget");
    }
    throw err;
  }
  const parsed = parseBody(raw, headerString(ex.clientHeaders["content-type"]));
  if (parsed instanceof GatewayError) throw parsed;
  return parsed;
}

/**
 * Path and query of a request target, without new URL(): "//x" is a path here, not a host, and an
 * absolute-form target ("http://host/p") keeps only its path. Undefined for a target that is neither.
 */
export function splitTarget(url: string): { path: string; search: string } | undefined {
  let t = url;
  if (!t.startsWith("/")) {
    if (t === "*" || !/^https?:\/\//i.test(t)) return undefined;
    const slash = t.indexOf("/", t.indexOf("//") + 2);
    t = slash === -1 ? "/" : t.slice(slash);
  }
  const q = t.indexOf("?");
  const hash = t.indexOf("#");
  const end = hash === -1 ? t.length : hash;
  const split =
    q === -1 || q > end
      ? { path: t.slice(0, end), search: "" }
      : { path: t.slice(0, q), search: t.slice(q + 1, end) };
  // dot segments are resolved as URL parsers do, so a prefix match cannot be walked out of
  if (split.path.includes("/.") || /\/%2e/i.test(split.path)) split.path = removeDotSegments(split.path);
  return split;
}

function isDot(seg: string): boolean {
  return seg === "." || seg.toLowerCase() === "%2e";
}

function isDotDot(seg: string): boolean {
  const s = seg.toLowerCase();
  return s === ".." || s === ".%2e" || s === "%2e." || s === "%2e%2e";
}

/** RFC 3986 5.2.4 for an absolute path (dot and %2e segments). */
export function removeDotSegments(path: string): string {
  const segs = path.split("/");
  const out: string[] = [];
  for (let i = 1; i < segs.length; i++) {
    const seg = segs[i] as string;
    const last = i === segs.length - 1;
    if (isDot(seg)) {
      if (last) out.push("");
    } else if (isDotDot(seg)) {
      out.pop();
      if (last) out.push("");
    } else out.push(seg);
  }
  return `/${out.join("/")}`;
}

function headerString(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function registerInFlight(
  ex: Exchange,
  route: CompiledRoute,
  snap: CompiledSnapshot,
  deps: HandlerDeps,
): () => void {
  const id = route.config.id;
  const current = deps.store.current;
  // matched on a snapshot that was replaced meanwhile without this route: refuse at once
  if (current !== snap && current && !current.table.routeIds.has(id))
    throw new GatewayError("route_not_found");
  return deps.inflight.add(id, () => ex.abort("route_killed"));
}

/** HTTPRoute URLRewrite (ReplaceFullPath / ReplacePrefixMatch), applied before the adapter. */
export function rewritePath(path: string, route: CompiledRoute): string {
  const rw = route.config.rewrite;
  if (!rw) return path;
  if (rw.type === "ReplaceFullPath") return rw.value;
  const m = route.config.match.path;
  if (m?.type !== "PathPrefix") return rw.value;
  const prefix = normalizePrefix(m.value);
  const rest = prefix === "/" ? path : path.slice(prefix.length);
  const head = rw.value.endsWith("/") ? rw.value.slice(0, -1) : rw.value;
  const out = `${head}${rest.startsWith("/") || rest === "" ? rest : `/${rest}`}`;
  return out === "" ? "/" : out;
}
