// Gloo Upstream (gloo.solo.io/v1) with spec.ai -> AgentgatewayBackend. Written from the Gloo AI
// upstream reference (UpstreamSpec: openai | azureOpenai | anthropic | gemini | vertexAi | mistral
// | multi {priorities[].pool[]}; each with authToken {inline | secretRef | passthrough}, model,
// customHost {host, port}) and seed 001.
import type { AuthPolicy, LLMProvider } from "../api/agentgateway-backend.ts";
import { convertAuthToken } from "./auth-token.ts";
import { type Conversion, carriedMetadata, isRecord, onlyKnown } from "./conversion.ts";
import { backend } from "./kgateway.ts";
import { providerBody, type SourceKind } from "./provider-body.ts";

const FIELDS: Record<string, readonly string[]> = {
  openai: ["authToken", "customHost", "model"],
  anthropic: ["authToken", "customHost", "model", "version"],
  azureOpenai: ["authToken", "endpoint", "deploymentName", "apiVersion"],
  gemini: ["authToken", "model", "apiVersion"],
};

interface One {
  kind: string;
  provider: LLMProvider;
  auth: AuthPolicy | undefined;
}

function convertOne(
  entry: unknown,
  where: string,
  namespace: string | undefined,
  c: Conversion,
  allowMulti: boolean,
): One | "multi" | undefined {
  if (!isRecord(entry)) {
    c.error(`${where}: must be an object`);
    return undefined;
  }
  const kinds = Object.keys(entry).filter((k) => entry[k] !== undefined && entry[k] !== null);
  if (allowMulti && kinds.length === 1 && kinds[0] === "multi") return "multi";
  if (kinds.length !== 1) {
    c.error(`${where}: exactly one provider must be set`);
    return undefined;
  }
  const kind = kinds[0] as string;
  const fields = FIELDS[kind];
  const pw = `${where}.${kind}`;
  if (!fields) {
    c.error(
      `${pw}: provider '${kind}' is not supported by ai-gateway (openai, azureOpenai, anthropic, gemini)`,
    );
    return undefined;
  }
  const cfg = entry[kind];
  if (!isRecord(cfg)) {
    c.error(`${pw}: must be an object`);
    return undefined;
  }
  onlyKnown(cfg, fields, pw, c);
  const body = providerBody(
    kind === "azureOpenai" ? "azureopenai" : (kind as SourceKind),
    cfg,
    pw,
    "version",
    c,
  );
  if (!body) return undefined;
  const provider: LLMProvider = { ...body };
  const custom = cfg.customHost;
  if (custom !== undefined && custom !== null) {
    if (!isRecord(custom) || typeof custom.host !== "string" || custom.host === "")
      c.error(`${pw}.customHost.host: required`);
    else {
      onlyKnown(custom, ["host", "port"], `${pw}.customHost`, c);
      provider.host = custom.host;
      if (typeof custom.port === "number") provider.port = custom.port;
      if (custom.port === 80) {
        provider.plaintext = true;
        c.note(`${pw}.customHost: port 80 is taken as plain HTTP (plaintext: true)`);
      } else {
        // a host override alone is plain HTTP here (upstream's rule): keep Gloo's TLS explicitly
        provider.plaintext = false;
        c.note(`${pw}.customHost: TLS is kept (plaintext: false)`);
      }
    }
  }
  return { kind, provider, auth: convertAuthToken(cfg.authToken, `${pw}.authToken`, namespace, c) };
}

/** A Gloo Upstream with spec.ai -> an AgentgatewayBackend, or undefined (errors say why). */
export function convertGlooUpstream(
  obj: Record<string, unknown>,
  c: Conversion,
): Record<string, unknown> | undefined {
  const metadata = carriedMetadata(obj.metadata);
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  const spec = obj.spec;
  if (!isRecord(spec) || !isRecord(spec.ai)) {
    c.error("spec.ai: only Upstreams with spec.ai convert");
    return undefined;
  }
  onlyKnown(spec, ["ai"], "spec", c);
  const one = convertOne(spec.ai, "spec.ai", namespace, c, true);
  if (one === undefined) return undefined;
  if (one !== "multi") {
    return backend(metadata, {
      ai: { provider: one.provider },
      ...(one.auth ? { policies: { auth: one.auth } } : {}),
    });
  }
  const multi = spec.ai.multi;
  if (!isRecord(multi) || !Array.isArray(multi.priorities) || multi.priorities.length === 0) {
    c.error("spec.ai.multi.priorities: a non-empty list is required");
    return undefined;
  }
  onlyKnown(multi, ["priorities"], "spec.ai.multi", c);
  let failed = false;
  const groups = multi.priorities.map((priority, i) => {
    const where = `spec.ai.multi.priorities[${i}]`;
    if (!isRecord(priority) || !Array.isArray(priority.pool) || priority.pool.length === 0) {
      c.error(`${where}.pool: a non-empty list is required`);
      failed = true;
      return {};
    }
    onlyKnown(priority, ["pool"], where, c);
    return {
      providers: priority.pool.map((entry, j) => {
        const p = convertOne(entry, `${where}.pool[${j}]`, namespace, c, false);
        if (p === undefined || p === "multi") {
          failed = true;
          return {};
        }
        return {
          name: `${p.kind.toLowerCase()}-${i + 1}-${j + 1}`,
          ...p.provider,
          ...(p.auth ? { policies: { auth: p.auth } } : {}),
        };
      }),
    };
  });
  if (failed) return undefined;
  c.note(
    "spec.ai.multi: each priority became a group, in order; provider names are generated (<provider>-<priority>-<entry>)",
  );
  return backend(metadata, { ai: { groups } });
}
