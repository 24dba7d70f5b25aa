// Every input object is checked against its zod schema before use: the API server may hold objects
// admitted by an older CRD, and Gateway API objects may use shapes we do not support. Invalid ones
// are set aside with a Problem (the zod issue paths) so they get a False condition, never a throw.
import { z } from "zod";
import { AgentgatewayBackend } from "../api/agentgateway-backend.ts";
import { AgentgatewayPolicy } from "../api/agentgateway-policy.ts";
import { AIRoute } from "../api/airoute.ts";
import {
  ConfigMap,
  Gateway,
  GatewayClass,
  HTTPRoute,
  Namespace,
  ReferenceGrant,
  Secret,
  Service,
} from "../api/gateway-api.ts";
import { formatIssues } from "../api/issues.ts";
import { ParentReference } from "../api/meta.ts";
import type { NamespacedName } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import type { ResourceSet } from "./types.ts";

/** An object that failed its schema, with whatever could still be read leniently. */
export interface InvalidObject {
  ref: NamespacedName;
  generation: number;
  problem: Problem;
  /** spec.parentRefs when they parse (routes). */
  parentRefs: ParentReference[];
  /** spec.gatewayClassName (Gateway) or spec.controllerName (GatewayClass) when readable. */
  className?: string;
}

export interface Partitioned<T> {
  valid: T[];
  invalid: InvalidObject[];
}

export interface ValidatedInputs {
  gatewayClasses: Partitioned<GatewayClass>;
  gateways: Partitioned<Gateway>;
  aiRoutes: Partitioned<AIRoute>;
  httpRoutes: Partitioned<HTTPRoute>;
  backends: Partitioned<AgentgatewayBackend>;
  policies: Partitioned<AgentgatewayPolicy>;
  referenceGrants: ReferenceGrant[];
  secrets: Secret[];
  configMaps: ConfigMap[];
  services: Service[];
  namespaces: Namespace[];
}

const LenientMeta = z.looseObject({
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    generation: z.number().int().optional(),
    deletionTimestamp: z.string().optional(),
  }),
  spec: z
    .looseObject({
      parentRefs: z.array(ParentReference).optional().catch(undefined),
      gatewayClassName: z.string().optional().catch(undefined),
      controllerName: z.string().optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
});

function isDeleting(raw: unknown): boolean {
  const meta = LenientMeta.safeParse(raw);
  return meta.success && meta.data.metadata.deletionTimestamp !== undefined;
}

function invalidObject(raw: unknown, problem: Problem): InvalidObject | undefined {
  const meta = LenientMeta.safeParse(raw);
  if (!meta.success) return undefined; // not even a name: nothing to report on
  const m = meta.data.metadata;
  const spec = meta.data.spec;
  return {
    ref: { namespace: m.namespace ?? "default", name: m.name },
    generation: m.generation ?? 0,
    problem,
    parentRefs: spec?.parentRefs ?? [],
    className: spec?.gatewayClassName ?? spec?.controllerName,
  };
}

function partition<T>(items: readonly unknown[], schema: z.ZodType<T>, reason: Problem["reason"]) {
  const out: Partitioned<T> = { valid: [], invalid: [] };
  for (const raw of items) {
    if (isDeleting(raw)) continue; // being deleted: as good as gone
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      out.valid.push(parsed.data);
      continue;
    }
    const bad = invalidObject(raw, { reason, message: `invalid object: ${formatIssues(parsed.error)}` });
    if (bad) out.invalid.push(bad);
  }
  return out;
}

function validOnly<T>(items: readonly unknown[], schema: z.ZodType<T>): T[] {
  return partition(items, schema, Reason.InvalidConfig).valid;
}

export function validateInputs(rs: ResourceSet): ValidatedInputs {
  return {
    gatewayClasses: partition(rs.gatewayClasses, GatewayClass, Reason.UnsupportedValue),
    gateways: partition(rs.gateways, Gateway, Reason.UnsupportedValue),
    aiRoutes: partition(rs.aiRoutes, AIRoute, Reason.InvalidConfig),
    httpRoutes: partition(rs.httpRoutes, HTTPRoute, Reason.UnsupportedValue),
    backends: partition(rs.backends, AgentgatewayBackend, Reason.InvalidConfig),
    policies: partition(rs.policies ?? [], AgentgatewayPolicy, Reason.InvalidConfig),
    referenceGrants: validOnly(rs.referenceGrants, ReferenceGrant),
    secrets: validOnly(rs.secrets, Secret),
    configMaps: validOnly(rs.configMaps ?? [], ConfigMap),
    services: validOnly(rs.services, Service),
    namespaces: validOnly(rs.namespaces, Namespace),
  };
}
