// Which Kubernetes Events a status write deserves: one per condition that is new or changed its
// status or reason (a transition), so `kubectl describe` and `kubectl get events` tell the story.
// Pure: the live status before the write and the status written in, events out. Messages are the
// conditions' own, which never carry secret values.

export interface ConditionEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}

type Json = Record<string, unknown>;

const isJson = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isJson) : []);

/** A healthy condition: True, except Conflicted, which is healthy when False. */
function healthy(c: Json): boolean {
  return c.type === "Conflicted" ? c.status === "False" : c.status === "True";
}

function transitions(prev: Json[], next: Json[], scope: string): ConditionEvent[] {
  const events: ConditionEvent[] = [];
  for (const c of next) {
    const old = prev.find((p) => p.type === c.type);
    if (old && old.status === c.status && old.reason === c.reason) continue;
    events.push({
      type: healthy(c) ? "Normal" : "Warning",
      reason: String(c.reason ?? c.type),
      message: `${scope}${String(c.type)}=${String(c.status)}: ${String(c.message ?? "")}`,
    });
  }
  return events;
}

function parentKey(p: Json): string {
  const ref = isJson(p.parentRef) ? p.parentRef : {};
  return [ref.namespace ?? "", ref.name ?? "", ref.sectionName ?? "", ref.port ?? ""].join("/");
}

/** Events for the transitions between `live` and `written` (both whole status objects). */
export function conditionEvents(live: unknown, written: unknown, controllerName: string): ConditionEvent[] {
  const before = isJson(live) ? live : {};
  const after = isJson(written) ? written : {};
  const events = transitions(list(before.conditions), list(after.conditions), "");
  const ours = (s: Json) => list(s.parents).filter((p) => p.controllerName === controllerName);
  for (const parent of ours(after)) {
    const old = ours(before).find((p) => parentKey(p) === parentKey(parent));
    const ref = isJson(parent.parentRef) ? parent.parentRef : {};
    const scope = `parent ${ref.namespace ? `${String(ref.namespace)}/` : ""}${String(ref.name ?? "")}: `;
    events.push(...transitions(list(old?.conditions), list(parent.conditions), scope));
  }
  return events;
}
