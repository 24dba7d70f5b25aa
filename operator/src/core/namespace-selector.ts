// Listener allowedRoutes.namespaces: Same (default), All, or a label Selector evaluated against
// the namespaces' labels (plus kubernetes.io/metadata.name, which the API server always sets).
import type { Listener, Namespace } from "../api/gateway-api.ts";
import { lookupFirst } from "./lookup-index.ts";

type AllowedNamespaces = NonNullable<NonNullable<Listener["allowedRoutes"]>["namespaces"]>;
type LabelSelector = NonNullable<AllowedNamespaces["selector"]>;
type Requirement = NonNullable<LabelSelector["matchExpressions"]>[number];

export const METADATA_NAME_LABEL = "kubernetes.io/metadata.name";

function namespaceName(n: Namespace): string {
  return n.metadata.name;
}

/** Labels of a namespace by name, from the namespaces the source saw. */
export function namespaceLabels(namespaces: readonly Namespace[], name: string): Record<string, string> {
  const ns = lookupFirst(namespaces, namespaceName, name);
  return { ...(ns?.metadata.labels ?? {}), [METADATA_NAME_LABEL]: name };
}

function requirementMatches(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return has && value !== undefined && values.includes(value);
    case "NotIn":
      return !has || value === undefined || !values.includes(value);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    default:
      return false; // unknown operator selects nothing (fail closed)
  }
}

export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

/** Whether a route in `routeNamespace` may attach to a listener of a Gateway in `gatewayNamespace`. */
export function namespaceAllowed(
  allowed: AllowedNamespaces | undefined,
  gatewayNamespace: string,
  routeNamespace: string,
  namespaces: readonly Namespace[],
): boolean {
  const from = allowed?.from ?? "Same";
  if (from === "All") return true;
  if (from === "Same") return routeNamespace === gatewayNamespace;
  if (!allowed?.selector) return false;
  return selectorMatches(allowed.selector, namespaceLabels(namespaces, routeNamespace));
}
