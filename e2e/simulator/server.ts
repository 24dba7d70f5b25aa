// The HTTP server: reads and records each request, then applies in order an armed fault, the
// route (404 when none), the key check (401), and the provider's reply with latency.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { keyAccepted } from "./auth.ts";
import { BodyTooLargeError, readBody } from "./body.ts";
import { CONTROL_PREFIX, type Controls, handleControl } from "./control.ts";
import { COGNITIVE_SERVICES_SCOPE, ENTRA_TOKEN_PATH, FOUNDRY_SCOPE } from "./entra.ts";
import { errorReply } from "./errors.ts";
import { type Exchange, type Inflight, openExchange } from "./exchange.ts";
import type { FaultBook } from "./faults.ts";
import type { Recorder } from "./recorder.ts";
import { decodeBody, flattenHeaders } from "./recorder.ts";
import type { JsonReply, Reply } from "./reply.ts";
import { writeJson } from "./respond.ts";
import { matchRoute, providerForPath } from "./routes.ts";
import { writeStream } from "./sse.ts";
import type { SimState } from "./state.ts";
import type { Fault } from "./types.ts";

export interface ServerDeps {
  state: SimState;
  recorder: Recorder;
  faults: FaultBook;
  controls: Controls;
  /** HTTPS (and mTLS with clientCa) instead of plain HTTP. */
  tls?: { key: string; cert: string; clientCa?: string; alpn?: string[]; groups?: string };
}

export interface SimServer {
  server: Server;
  /** Stops listening, aborts in-flight answers and destroys every open socket. */
  close(): Promise<void>;
}

export function createSimServer(deps: ServerDeps): SimServer {
  const inflight: Inflight = { closing: false, controllers: new Set() };
  const sockets = new Set<Socket>();
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, deps, inflight).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(`{"error":{"message":"simulator internal error","type":"server_error","code":"internal"}}`);
      } else res.destroy();
    });
  };
  const tls = deps.tls;
  const server: Server = tls
    ? createHttpsServer(
        {
          noDelay: true,
          keepAlive: true,
          key: tls.key,
          cert: tls.cert,
          ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
          ...(tls.alpn ? { ALPNProtocols: tls.alpn } : {}),
          ...(tls.groups ? { ecdhCurve: tls.groups } : {}),
        },
        onRequest,
      )
    : createServer({ noDelay: true, keepAlive: true }, onRequest);
  server.on("connection", (s) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        inflight.closing = true;
        server.close(() => resolve());
        for (const ac of inflight.controllers) ac.abort();
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, deps: ServerDeps, inflight: Inflight) {
  const url = new URL(req.url ?? "/", "http://simulator.invalid");
  const path = url.pathname;
  // a server mounted under basePath answers there as at the root (recorded with the full path)
  const base = deps.state.basePath;
  const apiPath = base !== undefined && path.startsWith(`${base}/`) ? path.slice(base.length) : path;
  if (path.startsWith(CONTROL_PREFIX)) return handleControl(req, res, path, deps.controls);
  const method = req.method ?? "GET";
  const headers = flattenHeaders(req.headers);
  const tls = tlsInfo(req.socket);
  const query = Object.fromEntries(url.searchParams);
  const raw = await readBody(req).catch((err: unknown) =>
    err instanceof Error ? err : new Error(String(err)),
  );
  if (raw instanceof Error) {
    // Recorded all the same: a client that gave up mid-body aborted; an oversized body gets a 413.
    const record = deps.recorder.add({ method, path, query, headers, body: undefined, ...tls });
    if (!(raw instanceof BodyTooLargeError)) record.aborted = true;
    else
      send(
        res,
        errorReply(providerForPath(path, headers, query), "request_too_large"),
        openExchange(req, res, record, inflight),
      );
    return;
  }
  const record = deps.recorder.add({ method, path, query, headers, body: decodeBody(raw), ...tls });
  const exchange = openExchange(req, res, record, inflight);
  const entraTenant = method === "POST" ? ENTRA_TOKEN_PATH.exec(path)?.[1] : undefined;
  if (entraTenant !== undefined) {
    const reply = deps.state.entra.exchange(
      decodeURIComponent(entraTenant),
      headers["content-type"],
      record.body,
    );
    return send(res, reply, exchange);
  }
  const match = matchRoute(method, apiPath, headers, query);
  const provider = match?.route.provider ?? providerForPath(apiPath, headers, query);
  const fault = deps.faults.take(path);
  if (fault && fault.kind !== "cut") return applyFault(fault, res, exchange, provider);
  if (!match) return send(res, errorReply(provider, "not_found", { detail: `${method} ${path}` }), exchange);
  if (provider === "azure" && /^Bearer\s+eyJ/i.test(headers.authorization ?? "")) {
    // Azure OpenAI takes an Entra access token (a JWT) instead of a key: it must be one Entra issued,
    // live and for the scope of the endpoint (Foundry projects: ai.azure.com)
    const scope = path.startsWith("/api/projects/") ? FOUNDRY_SCOPE : COGNITIVE_SERVICES_SCOPE;
    if (!deps.state.entra.accepts(headers.authorization, scope))
      return send(res, errorReply(provider, "invalid_api_key"), exchange);
  } else if (
    provider !== "vertex" &&
    provider !== "bedrock" &&
    !keyAccepted(deps.state.requiredKeys, provider, headers, query, deps.state.keyLocation)
  ) {
    return send(res, errorReply(provider, "invalid_api_key"), exchange);
  }
  const reply = match.route.handle({
    body: record.body,
    params: match.params,
    query,
    headers,
    chunks: deps.state.chunks,
    nextId: deps.state.nextId,
    now: () => Math.floor(Date.now() / 1000),
    gcp: deps.state.gcp,
    request: { method, path: rawPath(req.url ?? "/"), rawQuery: url.search.slice(1), raw },
    awsKeys: deps.state.awsKeys,
  });
  return answer(res, reply, deps.state, exchange, fault?.kind === "cut" ? fault.afterChunks : undefined);
}

/** SNI, ALPN and client certificate CN of an HTTPS request ({} over plain HTTP). */
function tlsInfo(socket: Socket): { tls?: { servername?: string; alpn?: string; clientCn?: string } } {
  const t = socket as Partial<TLSSocket>;
  if (t.encrypted !== true) return {};
  const servername = (t as { servername?: string | false }).servername;
  const alpn = t.alpnProtocol;
  const cn = t.getPeerCertificate?.()?.subject?.CN;
  return {
    tls: {
      ...(typeof servername === "string" ? { servername } : {}),
      ...(typeof alpn === "string" ? { alpn } : {}),
      ...(typeof cn === "string" ? { clientCn: cn } : {}),
    },
  };
}

/** The path exactly as sent (percent-encoding kept: SigV4 signs it so). */
function rawPath(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

function applyFault(
  fault: Exclude<Fault, { kind: "cut" }>,
  res: ServerResponse,
  exchange: Exchange,
  provider: ReturnType<typeof providerForPath>,
): Promise<void> | undefined {
  switch (fault.kind) {
    case "status": {
      const opts = { status: fault.status, retryAfter: fault.retryAfter };
      return send(res, errorReply(provider, "injected", opts), exchange);
    }
    case "hang":
      return undefined; // never answer; the exchange notices when the client leaves
    case "reset":
      exchange.reset();
      return undefined;
  }
}

function send(res: ServerResponse, reply: JsonReply, exchange: Exchange): Promise<void> {
  return writeJson(res, reply, {
    ttftMs: 0,
    cutAfter: undefined,
    signal: exchange.signal,
    cut: exchange.cut,
  });
}

function answer(
  res: ServerResponse,
  reply: Reply,
  state: SimState,
  exchange: Exchange,
  cutAfter: number | undefined,
): Promise<void> {
  const { signal, cut } = exchange;
  if (reply.kind === "json") {
    const ttftMs = reply.status < 400 ? state.ttftMs : 0;
    return writeJson(res, reply, { ttftMs, cutAfter, signal, cut });
  }
  return writeStream({
    res,
    reply,
    ttftMs: state.ttftMs,
    interTokenMs: state.interTokenMs,
    cutAfter,
    signal,
    cut,
  });
}
