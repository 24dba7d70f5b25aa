// The apiserver's rules for the top of a CRD schema: apiVersion and kind are plain strings, metadata
// is exactly {type: object} (the apiserver validates it itself), and none of them is `required`.
import { isNode, requiredOf, type SchemaNode } from "./schema-node.ts";

const SERVER_OWNED = ["apiVersion", "kind", "metadata"];

const ROOT_FIELDS: SchemaNode = {
  apiVersion: {
    description: "Versioned schema of this object: agentgateway.dev/v1alpha1.",
    type: "string",
  },
  kind: { description: "Kind of this object.", type: "string" },
  metadata: { type: "object" },
};

export function toCrdRoot(converted: SchemaNode, description: string): SchemaNode {
  const properties = isNode(converted.properties) ? converted.properties : {};
  const rest = Object.fromEntries(Object.entries(properties).filter(([key]) => !SERVER_OWNED.includes(key)));
  const required = requiredOf(converted).filter((key) => !SERVER_OWNED.includes(key));
  const root: SchemaNode = { description, type: "object", properties: { ...ROOT_FIELDS, ...rest } };
  if (required.length > 0) root.required = required;
  for (const [key, value] of Object.entries(converted)) {
    if (key.startsWith("x-kubernetes-")) root[key] = value;
  }
  return root;
}
