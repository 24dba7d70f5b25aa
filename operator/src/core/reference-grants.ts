// ReferenceGrant checks: a reference into another namespace is allowed only when a grant in the
// TARGET namespace lists the referrer (group, kind, namespace) in `from` and the target (group,
// kind, optional name) in `to`. Same-namespace references need no grant.
import type { ReferenceGrant } from "../api/gateway-api.ts";
import { lookupAll } from "./lookup-index.ts";
import { namespaceOf } from "./object-ref.ts";

export interface RefFrom {
  group: string;
  kind: string;
  namespace: string;
}
export interface RefTo {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

export const CORE_GROUP = "";

function grantNamespace(grant: ReferenceGrant): string {
  return namespaceOf(grant.metadata);
}

/** `grant` is in the target namespace (the caller looked it up by namespace). */
function grantAllows(grant: ReferenceGrant, from: RefFrom, to: RefTo): boolean {
  const fromOk = grant.spec.from.some(
    (f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace,
  );
  const toOk = grant.spec.to.some(
    (t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name),
  );
  return fromOk && toOk;
}

export function refPermitted(grants: readonly ReferenceGrant[], from: RefFrom, to: RefTo): boolean {
  if (from.namespace === to.namespace) return true;
  return lookupAll(grants, grantNamespace, to.namespace).some((g) => grantAllows(g, from, to));
}
