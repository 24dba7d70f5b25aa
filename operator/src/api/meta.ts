// Shared pieces of every Kubernetes object we read: lenient metadata, conditions, object refs.
import { z } from "zod";

/** Lenient ObjectMeta: what the translator needs, everything else passes through. */
export const ObjectMeta = z.looseObject({
  name: z.string().min(1),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  generation: z.number().int().optional(),
  resourceVersion: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
});
export type ObjectMeta = z.infer<typeof ObjectMeta>;

/** metav1.Condition */
export const Condition = z.object({
  type: z.string().meta({ description: "Condition type, e.g. Accepted, ResolvedRefs." }),
  status: z.enum(["True", "False", "Unknown"]).meta({ description: "True, False or Unknown." }),
  reason: z.string().meta({ description: "CamelCase reason for the condition's last transition." }),
  message: z.string().meta({ description: "Human-readable detail. Never contains secret values." }),
  observedGeneration: z
    .number()
    .int()
    .optional()
    .meta({ description: "metadata.generation the condition was computed from." }),
  lastTransitionTime: z.string().optional().meta({ description: "When the status last changed." }),
});
export type Condition = z.infer<typeof Condition>;

/** Gateway API ParentReference (Gateway by default). */
export const ParentReference = z.strictObject({
  group: z
    .string()
    .optional()
    .meta({ description: "Group of the parent. Default gateway.networking.k8s.io." }),
  kind: z.string().optional().meta({ description: "Kind of the parent. Default Gateway." }),
  namespace: z
    .string()
    .optional()
    .meta({ description: "Namespace of the parent. Default: the route's namespace." }),
  name: z.string().min(1).meta({ description: "Name of the parent Gateway." }),
  sectionName: z.string().optional().meta({ description: "Listener name on the Gateway to attach to." }),
  port: z.number().int().min(1).max(65535).optional().meta({ description: "Listener port to attach to." }),
});
export type ParentReference = z.infer<typeof ParentReference>;

/** A reference to a Secret, optionally in another namespace (needs a ReferenceGrant). */
export const SecretReference = z.strictObject({
  name: z.string().min(1).meta({ description: "Name of the Secret." }),
  namespace: z
    .string()
    .optional()
    .meta({ description: "Namespace of the Secret. Default: the referring object's namespace." }),
});
