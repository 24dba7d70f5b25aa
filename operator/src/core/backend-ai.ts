// AgentgatewayBackend policies.ai -> the snapshot's per-provider `ai`: a group provider's own
// policies.ai is merged over the backend's field by field (a field it sets replaces the backend's),
// as upstream agentgateway merges policies. Roles are checked and normalized here, so a manifest
// that can never work is InvalidConfig at once instead of a failing request later.
import type { ProviderConfig } from "../../../gateway/src/snapshot/schema.ts";
import type { BackendAI } from "../api/agentgateway-backend.ts";
import { type Problem, Reason } from "./reasons.ts";

type AiConfig = NonNullable<ProviderConfig["ai"]>;
type Role = "system" | "user" | "assistant";

const ROLES: Record<string, Role> = {
  system: "system",
  developer: "system",
  user: "user",
  assistant: "assistant",
};

/** Fields the gateway sets itself or that would change where a request goes: never a default/override. */
const RESERVED_FIELDS = new Set(["stream"]);

function messages(
  list: readonly { role: string; content: string }[] | undefined,
  path: string,
): { role: Role; content: string }[] | Problem | undefined {
  if (list === undefined) return undefined;
  const out: { role: Role; content: string }[] = [];
  for (const [i, m] of list.entries()) {
    const role = ROLES[m.role.toLowerCase()];
    if (role === undefined)
      return {
        reason: Reason.InvalidConfig,
        message: `${path}[${i}].role: '${m.role.slice(0, 32)}' is not a role (SYSTEM, USER or ASSISTANT)`,
      };
    out.push({ role, content: m.content });
  }
  return out;
}

function fields(
  list: readonly { field: string; value?: unknown }[] | undefined,
  path: string,
): { field: string; value: unknown }[] | Problem | undefined {
  if (list === undefined) return undefined;
  for (const [i, f] of list.entries()) {
    if (RESERVED_FIELDS.has(f.field))
      return {
        reason: Reason.InvalidConfig,
        message: `${path}[${i}].field: '${f.field}' is decided by the client and cannot be set by a policy`,
      };
    if (f.value === undefined)
      return { reason: Reason.InvalidConfig, message: `${path}[${i}].value: required` };
  }
  return list.map((f) => ({ field: f.field, value: f.value }));
}

export function backendAiConfig(
  backend: BackendAI | undefined,
  provider: BackendAI | undefined,
  path: string,
): AiConfig | Problem | undefined {
  const prompt = provider?.prompt ?? backend?.prompt;
  const merged: BackendAI = {
    ...(prompt !== undefined ? { prompt } : {}),
    ...((provider?.defaults ?? backend?.defaults)
      ? { defaults: provider?.defaults ?? backend?.defaults }
      : {}),
    ...((provider?.overrides ?? backend?.overrides)
      ? { overrides: provider?.overrides ?? backend?.overrides }
      : {}),
    ...((provider?.modelAliases ?? backend?.modelAliases)
      ? { modelAliases: provider?.modelAliases ?? backend?.modelAliases }
      : {}),
  };
  if (Object.keys(merged).length === 0) return undefined;
  const prepend = messages(merged.prompt?.prepend, `${path}.prompt.prepend`);
  if (prepend !== undefined && "reason" in prepend) return prepend;
  const append = messages(merged.prompt?.append, `${path}.prompt.append`);
  if (append !== undefined && "reason" in append) return append;
  const defaults = fields(merged.defaults, `${path}.defaults`);
  if (defaults !== undefined && "reason" in defaults) return defaults;
  const overrides = fields(merged.overrides, `${path}.overrides`);
  if (overrides !== undefined && "reason" in overrides) return overrides;
  return {
    ...(prepend && prepend.length > 0 ? { prepend } : {}),
    ...(append && append.length > 0 ? { append } : {}),
    ...(defaults ? { defaults } : {}),
    ...(overrides ? { overrides } : {}),
    ...(merged.modelAliases ? { modelAliases: merged.modelAliases } : {}),
  };
}
