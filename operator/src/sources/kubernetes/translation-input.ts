// What of a cached object the translator may see. Status we write ourselves and bookkeeping
// metadata are removed, so our own status writes (and resyncs) do not look like input changes.
// Service status stays: Gateway addresses come from it.
import { isRecord } from "./object-meta.ts";

const KINDS_WITH_OUR_STATUS = new Set([
  "GatewayClass",
  "Gateway",
  "HTTPRoute",
  "AIRoute",
  "AgentgatewayBackend",
  "AgentgatewayPolicy",
]);

export function translationInput(obj: unknown): unknown {
  if (!isRecord(obj)) return obj;
  const { status, ...rest } = obj;
  const metadata = isRecord(obj.metadata) ? { ...obj.metadata } : obj.metadata;
  if (isRecord(metadata)) {
    delete metadata.resourceVersion;
    delete metadata.managedFields;
  }
  const keepStatus = typeof obj.kind === "string" && !KINDS_WITH_OUR_STATUS.has(obj.kind);
  return keepStatus && status !== undefined ? { ...rest, metadata, status } : { ...rest, metadata };
}
