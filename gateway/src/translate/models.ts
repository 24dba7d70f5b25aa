// GET /v1/models answered by the gateway, in OpenAI's list format: the models a route can reach,
// i.e. every model its backends' providers are pinned to, plus the route's model match when it is a
// concrete name (no '*'). Providers are never called (not all of them can list, and a listing would
// spend the platform key on models the route does not serve).
import type { JsonObject } from "./neutral.ts";

export interface ModelSource {
  /** The route's model glob, if any. */
  routeModel: string | undefined;
  /** Each provider reachable through the route: its pinned model (if any) and its kind. */
  providers: { model: string | undefined; kind: string }[];
}

export interface ModelEntry {
  id: string;
  ownedBy: string;
}

export function routeModels(src: ModelSource): ModelEntry[] {
  const seen = new Map<string, ModelEntry>();
  for (const p of src.providers) {
    if (p.model !== undefined && !seen.has(p.model)) seen.set(p.model, { id: p.model, ownedBy: p.kind });
  }
  const m = src.routeModel;
  if (m !== undefined && !m.includes("*") && !seen.has(m)) seen.set(m, { id: m, ownedBy: "gateway" });
  return [...seen.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function entry(e: ModelEntry): JsonObject {
  return { id: e.id, object: "model", created: 0, owned_by: e.ownedBy };
}

export function modelList(models: ModelEntry[]): JsonObject {
  return { object: "list", data: models.map(entry) };
}

export function modelObject(models: ModelEntry[], id: string): JsonObject | undefined {
  const m = models.find((e) => e.id === id);
  return m ? entry(m) : undefined;
}
