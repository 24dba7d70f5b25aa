// kgateway SingleAuthToken and Gloo AuthToken -> AgentgatewayBackend policies.auth.
//   kgateway: {kind: Inline|SecretRef|Passthrough, inline: string, secretRef: {name}}
//   Gloo:     {inline: string} | {secretRef: {name, namespace}} | {passthrough: {}}
// Both read the key from the Secret's "Authorization" entry: our secretRef without `key` looks
// there first (then apiKey, api-key, api_key, the only key), so no key is written.
import type { AuthPolicy } from "../api/agentgateway-backend.ts";
import { type Conversion, isRecord, onlyKnown } from "./conversion.ts";

export function convertAuthToken(
  token: unknown,
  where: string,
  namespace: string | undefined,
  c: Conversion,
): AuthPolicy | undefined {
  if (token === undefined || token === null) return undefined;
  if (!isRecord(token)) {
    c.error(`${where}: must be an object`);
    return undefined;
  }
  onlyKnown(token, ["kind", "inline", "secretRef", "passthrough"], where, c);
  const kind =
    typeof token.kind === "string"
      ? token.kind
      : token.inline !== undefined
        ? "Inline"
        : token.secretRef !== undefined
          ? "SecretRef"
          : token.passthrough !== undefined
            ? "Passthrough"
            : undefined;
  switch (kind) {
    case "Inline":
      if (typeof token.inline !== "string" || token.inline === "") {
        c.error(`${where}.inline: an Inline token needs a non-empty value`);
        return undefined;
      }
      c.note(`${where}: the inline key is kept inline (spec.policies.auth.key); move it to a Secret`);
      return { key: token.inline };
    case "SecretRef": {
      const ref = token.secretRef;
      if (!isRecord(ref) || typeof ref.name !== "string" || ref.name === "") {
        c.error(`${where}.secretRef.name: required`);
        return undefined;
      }
      onlyKnown(ref, ["name", "namespace"], `${where}.secretRef`, c);
      const ns = typeof ref.namespace === "string" && ref.namespace !== "" ? ref.namespace : undefined;
      if (ns !== undefined && ns !== namespace) {
        c.note(
          `${where}.secretRef: the Secret is in namespace ${ns}; a ReferenceGrant there must allow AgentgatewayBackends from ${namespace ?? "this namespace"}`,
        );
        return { secretRef: { name: ref.name, namespace: ns } };
      }
      return { secretRef: { name: ref.name } };
    }
    case "Passthrough":
      return { passthrough: {} };
    default:
      c.error(`${where}.kind: '${String(token.kind)}' is not supported (Inline, SecretRef or Passthrough)`);
      return undefined;
  }
}
