// kgateway Backend (gateway.kgateway.dev/v1alpha1, spec.type AI) -> AgentgatewayBackend. Written
// from the kgateway API reference (AIBackend: llm | multipool; LLMProvider: provider, hostOverride
// {host, port}, pathOverride {fullPath}, authHeaderOverride {headerName, prefix}; the providers
// openai, azureopenai, anthropic, gemini, vertexai with their authToken) and the seed documents,
// whose older form writes hostOverride and pathOverride as plain strings (both are read).
import type { AuthPolicy, LLMProvider } from "../api/agentgateway-backend.ts";
import { convertAuthToken } from "./auth-token.ts";
import { type Conversion, carriedMetadata, isRecord, onlyKnown } from "./conversion.ts";
import { providerBody, type SourceKind } from "./provider-body.ts";

interface Converted {
  provider: LLMProvider;
  auth: AuthPolicy | undefined;
  kind: string;
}

const PROVIDER_FIELDS: Record<string, readonly string[]> = {
  openai: ["authToken", "model"],
  azureopenai: ["authToken", "endpoint", "deploymentName", "apiVersion"],
  anthropic: ["authToken", "model", "apiVersion"],
  gemini: ["authToken", "model", "apiVersion"],
};

function host(v: unknown, where: string, c: Conversion): { host?: string; port?: number } {
  if (v === undefined || v === null) return {};
  if (typeof v === "string" && v !== "") return { host: v };
  if (isRecord(v) && typeof v.host === "string" && v.host !== "") {
    onlyKnown(v, ["host", "port"], where, c);
    if (v.port === undefined) return { host: v.host };
    if (typeof v.port === "number" && Number.isInteger(v.port) && v.port > 0 && v.port < 65536)
      return { host: v.host, port: v.port };
    c.error(`${where}.port: must be a port number`);
    return {};
  }
  c.error(`${where}: must be a host name or {host, port}`);
  return {};
}

function path(v: unknown, where: string, c: Conversion): string | undefined {
  if (v === undefined || v === null) return undefined;
  const full = typeof v === "string" ? v : isRecord(v) ? v.fullPath : undefined;
  if (isRecord(v)) onlyKnown(v, ["fullPath"], where, c);
  if (typeof full === "string" && full.startsWith("/")) return full;
  c.error(`${where}: must be a path starting with / (or {fullPath})`);
  return undefined;
}

/** One kgateway LLMProvider (spec.ai.llm or a multipool pool entry). */
function convertLlm(
  llm: unknown,
  where: string,
  namespace: string | undefined,
  c: Conversion,
): Converted | undefined {
  if (!isRecord(llm)) {
    c.error(`${where}: must be an object`);
    return undefined;
  }
  onlyKnown(llm, ["provider", "hostOverride", "pathOverride", "authHeaderOverride"], where, c);
  const providers = isRecord(llm.provider) ? Object.keys(llm.provider) : [];
  if (providers.length !== 1 || !isRecord(llm.provider)) {
    c.error(`${where}.provider: exactly one provider must be set`);
    return undefined;
  }
  const kind = providers[0] as string;
  const cfg = llm.provider[kind];
  const pw = `${where}.provider.${kind}`;
  const fields = PROVIDER_FIELDS[kind];
  if (!fields) {
    c.error(
      `${pw}: provider '${kind}' is not supported by ai-gateway (openai, azureopenai, anthropic, gemini)`,
    );
    return undefined;
  }
  if (!isRecord(cfg)) {
    c.error(`${pw}: must be an object`);
    return undefined;
  }
  onlyKnown(cfg, fields, pw, c);
  const body = providerBody(kind as SourceKind, cfg, pw, "apiVersion", c);
  if (!body) return undefined;
  const provider: LLMProvider = { ...body };
  Object.assign(provider, host(llm.hostOverride, `${where}.hostOverride`, c));
  if (provider.port === 80) {
    provider.plaintext = true;
    c.note(`${where}.hostOverride: port 80 is taken as plain HTTP (plaintext: true)`);
  } else if (provider.host !== undefined) {
    // a host override alone is plain HTTP here (upstream's rule): keep kgateway's TLS explicitly
    provider.plaintext = false;
    c.note(`${where}.hostOverride: TLS is kept (plaintext: false)`);
  }
  const p = path(llm.pathOverride, `${where}.pathOverride`, c);
  if (p !== undefined) provider.path = p;
  let auth = convertAuthToken(cfg.authToken, `${pw}.authToken`, namespace, c);
  const override = llm.authHeaderOverride;
  if (override !== undefined && override !== null) {
    if (!isRecord(override)) c.error(`${where}.authHeaderOverride: must be an object`);
    else {
      onlyKnown(override, ["headerName", "prefix"], `${where}.authHeaderOverride`, c);
      // kgateway: an override's prefix defaults to empty
      const header = {
        ...(typeof override.headerName === "string" ? { name: override.headerName } : {}),
        prefix: typeof override.prefix === "string" ? override.prefix : "",
      };
      if (auth === undefined) c.error(`${where}.authHeaderOverride: needs an authToken`);
      else auth = { ...auth, header };
    }
  }
  return { provider, auth, kind };
}

/** A kgateway Backend -> an AgentgatewayBackend, or undefined (errors say why). */
export function convertKgatewayBackend(
  obj: Record<string, unknown>,
  c: Conversion,
): Record<string, unknown> | undefined {
  const metadata = carriedMetadata(obj.metadata);
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  const spec = obj.spec;
  if (!isRecord(spec)) {
    c.error("spec: required");
    return undefined;
  }
  if (spec.type !== "AI") {
    c.error(`spec.type: Backend type '${String(spec.type)}' is not supported (only type: AI converts)`);
    return undefined;
  }
  onlyKnown(spec, ["type", "ai"], "spec", c);
  const ai = spec.ai;
  if (!isRecord(ai)) {
    c.error("spec.ai: required for type AI");
    return undefined;
  }
  onlyKnown(ai, ["llm", "multipool"], "spec.ai", c);
  if (ai.llm !== undefined) {
    const one = convertLlm(ai.llm, "spec.ai.llm", namespace, c);
    if (!one) return undefined;
    return backend(metadata, {
      ai: { provider: one.provider },
      ...(one.auth ? { policies: { auth: one.auth } } : {}),
    });
  }
  const pool = ai.multipool;
  if (!isRecord(pool) || !Array.isArray(pool.priorities) || pool.priorities.length === 0) {
    c.error("spec.ai: one of llm or multipool.priorities is required");
    return undefined;
  }
  onlyKnown(pool, ["priorities"], "spec.ai.multipool", c);
  const groups: unknown[] = [];
  let failed = false;
  pool.priorities.forEach((priority, i) => {
    const where = `spec.ai.multipool.priorities[${i}]`;
    if (!isRecord(priority) || !Array.isArray(priority.pool) || priority.pool.length === 0) {
      c.error(`${where}.pool: a non-empty list is required`);
      failed = true;
      return;
    }
    onlyKnown(priority, ["pool"], where, c);
    const providers = priority.pool.map((entry, j) => {
      const one = convertLlm(entry, `${where}.pool[${j}]`, namespace, c);
      if (!one) {
        failed = true;
        return undefined;
      }
      return {
        name: `${one.kind}-${i + 1}-${j + 1}`,
        ...one.provider,
        ...(one.auth ? { policies: { auth: one.auth } } : {}),
      };
    });
    groups.push({ providers });
  });
  if (failed) return undefined;
  c.note(
    "spec.ai.multipool: each priority became a group, in order; provider names are generated (<provider>-<priority>-<entry>)",
  );
  return backend(metadata, { ai: { groups } });
}

export function backend(
  metadata: Record<string, unknown>,
  spec: Record<string, unknown>,
): Record<string, unknown> {
  return { apiVersion: "agentgateway.dev/v1alpha1", kind: "AgentgatewayBackend", metadata, spec };
}
