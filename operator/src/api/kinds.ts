// Every kind the translator reads, with the zod schema a document of that kind must satisfy.
// Used wherever manifests come from outside the API server (standalone files, golden inputs).
import type { z } from "zod";
import { AgentgatewayBackend } from "./agentgateway-backend.ts";
import { AgentgatewayPolicy } from "./agentgateway-policy.ts";
import { AIRoute } from "./airoute.ts";
import {
  ConfigMap,
  Gateway,
  GatewayClass,
  HTTPRoute,
  Namespace,
  ReferenceGrant,
  Secret,
  Service,
} from "./gateway-api.ts";

export const SCHEMAS_BY_KIND: Readonly<Record<string, z.ZodType>> = {
  AgentgatewayBackend,
  AgentgatewayPolicy,
  AIRoute,
  ConfigMap,
  Gateway,
  GatewayClass,
  HTTPRoute,
  Namespace,
  ReferenceGrant,
  Secret,
  Service,
};
