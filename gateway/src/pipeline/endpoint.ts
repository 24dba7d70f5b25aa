// Stage: endpoint check. The (rewritten) path names an endpoint of the catalogue
// (translate/catalogue.ts); a method that endpoint does not take is 405, a path the gateway does not
// serve is 404: neither is ever forwarded with the platform key. GET /v1/models[/{id}] is answered
// here from the route's configuration.
import { GatewayError } from "../errors.ts";
import type { CompiledRoute } from "../snapshot/compile.ts";
import type { RouteApi } from "../snapshot/schema.ts";
import {
  type ClientFormat,
  classifyPath,
  type Endpoint,
  PASSTHROUGH_METHODS,
} from "../translate/catalogue.ts";
import { modelList, modelObject, routeModels } from "../translate/models.ts";
import { familyOf } from "../translate/plan.ts";
import type { Exchange } from "./exchange.ts";

/** The endpoint a request names on this route, or the 404/405 to answer. */
export function resolveEndpoint(
  path: string,
  method: string,
  api: RouteApi | undefined,
): Endpoint | GatewayError {
  const c = classifyPath(path);
  if (c.kind === "unknown" && c.format === "openai" && api?.passthroughUnknownPaths === true) {
    if (!PASSTHROUGH_METHODS.includes(method)) {
      return new GatewayError("method_not_allowed", {
        message: `${c.apiPath} does not accept ${method}`,
        headers: { allow: PASSTHROUGH_METHODS.join(", ") },
      });
    }
    return { format: "openai", operation: "passthrough", methods: PASSTHROUGH_METHODS, apiPath: c.apiPath };
  }
  if (c.kind === "unknown") {
    return new GatewayError("endpoint_not_found", {
      message: `The gateway does not serve ${c.apiPath} on this route`,
    });
  }
  const endpoint = c.endpoint;
  if (!endpoint.methods.includes(method)) {
    return new GatewayError("method_not_allowed", {
      message: `${endpoint.apiPath} does not accept ${method}`,
      headers: { allow: endpoint.methods.join(", ") },
    });
  }
  return endpoint;
}

/** The client format of a route's own path: that of its first backend's provider. */
export function nativeFormat(route: CompiledRoute): ClientFormat {
  const p = route.backends[0]?.backend.groups[0]?.[0];
  const family = p ? familyOf(p.config.kind, p.config.model) : "openai";
  // Bedrock's own Converse paths are not served: its routes speak OpenAI's API (and Anthropic's)
  return family === "bedrock" ? "openai" : family;
}

/** Answers GET /v1/models and /v1/models/{id} from the route's backends. */
export function answerModels(ex: Exchange, route: CompiledRoute, endpoint: Endpoint): void {
  const models = routeModels({
    routeModel: route.config.match.model,
    providers: route.backends.flatMap((b) =>
      b.backend.groups.flat().map((p) => ({ model: p.config.model, kind: p.config.kind })),
    ),
  });
  const body =
    endpoint.operation === "model" ? modelObject(models, endpoint.modelId ?? "") : modelList(models);
  if (body === undefined) {
    ex.fail(new GatewayError("model_not_found"));
    return;
  }
  const text = JSON.stringify(body);
  ex.res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  ex.res.end(text);
  ex.succeed(200);
}
