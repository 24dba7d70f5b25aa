// All routes as RouteModels: valid AIRoutes and HTTPRoutes normalized, invalid ones carried with
// their Problem so their parents[] entries say why they are not served.

import { AGENTGATEWAY_GROUP, GATEWAY_GROUP } from "../api/gateway-api.ts";
import { aiRouteModel } from "./ai-route.ts";
import { httpRouteModel } from "./http-route.ts";
import type { RouteKind, RouteModel } from "./route-model.ts";
import type { InvalidObject, ValidatedInputs } from "./validate.ts";

function invalidRouteModel(kind: RouteKind, bad: InvalidObject): RouteModel {
  return {
    kind,
    group: kind === "AIRoute" ? AGENTGATEWAY_GROUP : GATEWAY_GROUP,
    ref: bad.ref,
    generation: bad.generation,
    parentRefs: bad.parentRefs,
    hostnames: [],
    rules: [],
    problem: bad.problem,
  };
}

export function routeModels(inputs: ValidatedInputs): RouteModel[] {
  return [
    ...inputs.aiRoutes.valid.map(aiRouteModel),
    ...inputs.aiRoutes.invalid.map((b) => invalidRouteModel("AIRoute", b)),
    ...inputs.httpRoutes.valid.map(httpRouteModel),
    ...inputs.httpRoutes.invalid.map((b) => invalidRouteModel("HTTPRoute", b)),
  ];
}
