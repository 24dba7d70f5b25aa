// The request path of a listener, stage by stage: route match (by listener, host, path, headers;
// the body's model only when a model glob decides) → client auth → body read → kill-switch
// registration → upstream call (backend select, credentials, adapter, http-proxy-3) → relay and
// metering. Every stage either hands on or ends the exchange with a catalogued error.
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
import { bodyModel, parseBody, type RequestBody, readBody } from "./body.ts";
import { checkClientAuth } from "./client-auth.ts";
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
  log: Logger;
  /** Rate limits and budgets (AgentgatewayPolicy); absent: none enforced. */
  policy?: PolicyEngine;
}

export type ListenerHandler = (req: IncomingMessage, res: ServerResponse, gatewayPort: number) => void;

const HEALTH_PATH = "/health";

export function createListenerHandler(deps: HandlerDeps): ListenerHandler {
  return (req, res, gatewayPort) => {
    if (req.url === HEALTH_PATH && (req.method === "GET" || req.method === "HEAD")) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.method === "HEAD" ? undefined : '{"status":"ok"}');
      return;
    }
    deps.metering.children.active(deps.metering.gateway()).inc();
    const ex = new Exchange(req, res, onDone);
    res.once("close", () => {
      if (!ex.done) ex.clientGone();
    });
    handle(ex, gatewayPort, deps).catch(onError.bind(undefined, ex));
  };
  // bound once per listener handler, not per request
  function onDone(ex: Exchange, outcome: ExchangeOutcome): void {
    recordExchange(deps.metering, ex, outcome);
  }
  function onError(ex: Exchange, err: unknown): void {
    if (isGatewayError(err)) {
      ex.fail(err);
      return;
    }
    deps.log.error({ err: err instanceof Error ? err.message : String(err) }, "request handler failed");
    ex.failWith("internal_error");
  }
}

async function handle(ex: Exchange, gatewayPort: number, deps: HandlerDeps): Promise<void> {
  const snap = deps.store.current;
  if (!snap) throw new GatewayError("no_snapshot");
  const url = new URL(ex.req.url ?? "/", "http://gateway.invalid");
  const headers = ex.clientHeaders;
  const query: RouteQuery = {
    port: gatewayPort,
    host: normalizeHost(headers.host),
    path: url.pathname,
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
    body = await readAndParse(ex, deps.maxBodyBytes);
    const model = bodyModel(body.json) ?? parseGeminiPath(url.pathname)?.model;
    sel = snap.table.select(query, model);
  }
  if (sel.kind !== "route") {
    authorize(ex, snap.gatewayAuth);
    throw new GatewayError("route_not_found");
  }
  const route = snap.routes[sel.entry.order] as CompiledRoute;
  ex.routeId = route.config.id;
  const gatewayKeyInAuthorization = authorize(ex, route.clientAuth);
  const unregister = registerInFlight(ex, route, snap, deps);
  ex.onFinish(unregister);
  body ??= await readAndParse(ex, deps.maxBodyBytes);
  if (ex.signal.aborted)
    throw new GatewayError(ex.abortReason === "route_killed" ? "route_killed" : "upstream_timeout");
  if (deps.policy) await admitPolicies(ex, deps.policy, snap, route, url.pathname, body);
  await callUpstream(
    ex,
    {
      route,
      path: rewritePath(url.pathname, route),
      query: url.searchParams,
      body,
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

async function readAndParse(ex: Exchange, limit: number): Promise<RequestBody> {
  let raw: Buffer;
  try {
    raw = await readBody(ex.req, limit);
  } catch (err) {
    if (isGatewayError(err) && err.code === "request_too_large") {
      // the rest of the body is not read: this connection cannot carry another request
      ex.res.setHeader("connection", "close");
    }
    throw err;
  }
  const parsed = parseBody(raw, headerString(ex.clientHeaders["content-type"]));
  if (parsed instanceof GatewayError) throw parsed;
  return parsed;
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
