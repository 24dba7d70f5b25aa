// Records core/v1 Events about the objects whose conditions changed, so `kubectl describe` shows
// why a route or backend is not working. Best effort: a failed Event is logged, never retried and
// never blocks a status write. Only the leader writes statuses, so only the leader records.
import type { Logger } from "../../../gateway/src/log.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";
import { isRecord } from "../sources/kubernetes/object-meta.ts";
import type { ConditionEvent } from "./condition-events.ts";
import { describeError } from "./errors.ts";

export const EVENT_SOURCE = "ai-gateway-operator";

export interface EventRecorderOptions {
  client: KubeClient;
  log: Logger;
  now?: () => Date;
}

export class EventRecorder {
  readonly #opts: EventRecorderOptions;

  constructor(opts: EventRecorderOptions) {
    this.#opts = opts;
  }

  /** `involved` is the live object the events are about (apiVersion, kind, metadata). */
  async record(involved: unknown, events: readonly ConditionEvent[]): Promise<void> {
    if (events.length === 0 || !isRecord(involved) || !isRecord(involved.metadata)) return;
    const meta = involved.metadata;
    const name = String(meta.name ?? "");
    // Events of cluster-scoped objects (GatewayClass) go to "default", as kubectl looks for them.
    const namespace = typeof meta.namespace === "string" ? meta.namespace : "default";
    const time = (this.#opts.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
    for (const e of events) {
      const body = {
        apiVersion: "v1",
        kind: "Event",
        metadata: { generateName: `${name}.`, namespace },
        involvedObject: {
          apiVersion: involved.apiVersion,
          kind: involved.kind,
          name,
          namespace: typeof meta.namespace === "string" ? meta.namespace : undefined,
          uid: meta.uid,
          resourceVersion: meta.resourceVersion,
        },
        type: e.type,
        reason: e.reason,
        message: e.message.slice(0, 1024),
        source: { component: EVENT_SOURCE },
        reportingComponent: EVENT_SOURCE,
        firstTimestamp: time,
        lastTimestamp: time,
        count: 1,
      };
      try {
        const res = await this.#opts.client.request("POST", `/api/v1/namespaces/${namespace}/events`, {
          body,
        });
        if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status}`);
      } catch (err) {
        this.#opts.log.debug(
          { kind: involved.kind, object: name, err: describeError(err) },
          "event not recorded",
        );
      }
    }
  }
}
