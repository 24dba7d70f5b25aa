// Keeps a proxy Deployment, Service, ServiceAccount, PodDisruptionBudget (and an optional
// HorizontalPodAutoscaler) per Gateway of our class
// (leader only, --provision). Server-side apply with our field manager makes every write
// idempotent; an object is re-applied only when its desired manifest changed since the last
// successful apply (or after leadership was regained). Deleting a Gateway needs nothing here:
// the controller ownerReferences let garbage collection remove what was made for it.
// Older versions copied a shared stream token into `<gateway>-stream-token`; such a Secret, if we
// own it (controller ownerReference to this Gateway), is deleted once per Gateway and leadership.
import type { Logger } from "../../../gateway/src/log.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";
import { canonicalHash } from "./canonical-hash.ts";
import { describeError } from "./errors.ts";
import {
  type GatewayInfo,
  legacyTokenSecretName,
  type Manifest,
  type ProvisionSettings,
  proxyManifests,
} from "./proxy-manifests.ts";

export const FIELD_MANAGER = "ai-gateway-operator";

export interface ProvisionerOptions {
  client: KubeClient;
  log: Logger;
  settings: ProvisionSettings;
}

const COLLECTIONS: Record<string, string> = {
  ServiceAccount: "/api/v1/namespaces/{ns}/serviceaccounts",
  Service: "/api/v1/namespaces/{ns}/services",
  Deployment: "/apis/apps/v1/namespaces/{ns}/deployments",
  PodDisruptionBudget: "/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets",
  HorizontalPodAutoscaler: "/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
};

/** Kinds a Gateway has only sometimes: removed when no longer wanted. */
const OPTIONAL_KINDS = ["Service", "HorizontalPodAutoscaler"] as const;

export function manifestPath(m: Manifest): string {
  const collection = COLLECTIONS[m.kind];
  if (!collection) throw new Error(`provisioner: unknown kind ${m.kind}`);
  const ns = encodeURIComponent(m.metadata.namespace);
  return `${collection.replace("{ns}", ns)}/${encodeURIComponent(m.metadata.name)}`;
}

export class Provisioner {
  readonly #opts: ProvisionerOptions;
  /** "<kind>/<ns>/<name>" → hash of the manifest last applied successfully. */
  readonly #applied = new Map<string, string>();
  /** Gateway UIDs whose legacy token Secret is known to be gone. */
  readonly #legacyGone = new Set<string>();

  constructor(opts: ProvisionerOptions) {
    this.#opts = opts;
  }

  reset(): void {
    this.#applied.clear();
    this.#legacyGone.clear();
  }

  /** Apply what changed; returns the number of failed objects (retried on the next sync). */
  async sync(gateways: readonly GatewayInfo[]): Promise<number> {
    let failed = 0;
    const live = new Set<string>();
    for (const gw of gateways) {
      for (const manifest of proxyManifests(gw, this.#opts.settings)) {
        const id = `${manifest.kind}/${manifest.metadata.namespace}/${manifest.metadata.name}`;
        live.add(id);
        const hash = canonicalHash(manifest);
        if (this.#applied.get(id) === hash) continue;
        if (await this.#apply(manifest)) this.#applied.set(id, hash);
        else failed += 1;
      }
      if (!this.#legacyGone.has(gw.uid)) {
        if (await this.#deleteLegacyTokenSecret(gw)) this.#legacyGone.add(gw.uid);
        else failed += 1;
      }
      for (const kind of OPTIONAL_KINDS) {
        const id = `${kind}/${gw.namespace}/${gw.name}`;
        if (!live.has(id) && this.#applied.has(id)) {
          if (await this.#delete(kind, gw)) this.#applied.delete(id);
          else failed += 1;
        }
      }
    }
    for (const id of this.#applied.keys()) if (!live.has(id)) this.#applied.delete(id);
    return failed;
  }

  async #apply(manifest: Manifest): Promise<boolean> {
    const log = { kind: manifest.kind, object: `${manifest.metadata.namespace}/${manifest.metadata.name}` };
    try {
      await this.#opts.client.call("PATCH", manifestPath(manifest), {
        query: { fieldManager: FIELD_MANAGER, force: "true" },
        contentType: "application/apply-patch+yaml",
        body: manifest,
      });
      this.#opts.log.info(log, "applied");
      return true;
    } catch (err) {
      this.#opts.log.warn({ ...log, err: describeError(err) }, "apply failed");
      return false;
    }
  }

  /** A Gateway without HTTP listeners has no Service (a Service needs a port), one that is no
   * longer autoscaled no HorizontalPodAutoscaler. */
  async #delete(kind: (typeof OPTIONAL_KINDS)[number], gw: GatewayInfo): Promise<boolean> {
    const path = manifestPath({ apiVersion: "", kind, metadata: { name: gw.name, namespace: gw.namespace } });
    try {
      const res = await this.#opts.client.request("DELETE", path);
      return res.status === 404 || (res.status >= 200 && res.status < 300);
    } catch (err) {
      this.#opts.log.warn(
        { kind, object: `${gw.namespace}/${gw.name}`, err: describeError(err) },
        "delete failed",
      );
      return false;
    }
  }

  /** Delete `<gw>-stream-token` if this Gateway owns it (never someone else's Secret). */
  async #deleteLegacyTokenSecret(gw: GatewayInfo): Promise<boolean> {
    const name = legacyTokenSecretName(gw.name);
    const path = `/api/v1/namespaces/${encodeURIComponent(gw.namespace)}/secrets/${encodeURIComponent(name)}`;
    const log = { kind: "Secret", object: `${gw.namespace}/${name}` };
    try {
      const got = await this.#opts.client.request("GET", path);
      if (got.status === 404) return true;
      if (got.status < 200 || got.status > 299) throw new Error(`GET ${path}: HTTP ${got.status}`);
      const meta = (got.body as { metadata?: { uid?: string; ownerReferences?: OwnerRef[] } }).metadata;
      const owned = (meta?.ownerReferences ?? []).some(
        (o) => o.controller === true && o.kind === "Gateway" && o.uid === gw.uid,
      );
      if (!owned) return true;
      const res = await this.#opts.client.request("DELETE", path, {
        body: { kind: "DeleteOptions", apiVersion: "v1", preconditions: { uid: meta?.uid } },
      });
      if (res.status !== 404 && (res.status < 200 || res.status > 299))
        throw new Error(`DELETE ${path}: HTTP ${res.status}`);
      this.#opts.log.info(log, "deleted the legacy stream token Secret");
      return true;
    } catch (err) {
      this.#opts.log.warn({ ...log, err: describeError(err) }, "delete failed");
      return false;
    }
  }
}

interface OwnerRef {
  kind?: string;
  uid?: string;
  controller?: boolean;
}
