// Keeps a proxy Deployment, Service, ServiceAccount, PodDisruptionBudget (and an optional
// HorizontalPodAutoscaler) per Gateway of our class
// (leader only, --provision). Server-side apply with our field manager makes every write
// idempotent; an object is re-applied only when its desired manifest changed since the last
// successful apply (or after leadership was regained). Deleting a Gateway needs nothing here:
// the controller ownerReferences let garbage collection remove what was made for it.
// Older versions copied a shared stream token into `<gateway>-stream-token`; such a Secret, if we
// own it (controller ownerReference to this Gateway), is deleted once per Gateway and leadership.
//
// It never adopts: before its first apply of an object it reads it, and an existing object
// without a controller ownerReference to this Gateway's uid (someone's own Deployment or
// ServiceAccount named like the Gateway, the namespace's `default` ServiceAccount, or one left by a
// deleted Gateway of the same name) is left untouched and reported as a conflict, which the
// controller turns into Programmed=False on the Gateway. This also keeps a Gateway from taking
// over a ServiceAccount (and so the snapshot identity) it did not create.
import type { Logger } from "../../../gateway/src/log.ts";
import { Reason } from "../core/reasons.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";
import { isRecord } from "../sources/kubernetes/object-meta.ts";
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

/** The calls the provisioner makes, so tests can hand it a fake API. */
export type ProvisionClient = Pick<KubeClient, "request" | "call">;

/** A Gateway whose proxy objects could not be provisioned because one is not ours. */
export interface ProvisionConflict {
  reason: typeof Reason.ProvisionedObjectConflict;
  message: string;
}

export interface ProvisionResult {
  /** Objects that failed to apply (retried with backoff). */
  failed: number;
  /** "<ns>/<name>" of a Gateway → why its proxy objects were not (all) provisioned. */
  conflicts: Map<string, ProvisionConflict>;
}

export interface ProvisionerOptions {
  client: ProvisionClient;
  log: Logger;
  settings: ProvisionSettings;
}

const COLLECTIONS: Record<string, string> = {
  ConfigMap: "/api/v1/namespaces/{ns}/configmaps",
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

  /** Apply what changed; failed objects are retried on the next sync, conflicts reported. */
  async sync(gateways: readonly GatewayInfo[]): Promise<ProvisionResult> {
    let failed = 0;
    const conflicts = new Map<string, ProvisionConflict>();
    const live = new Set<string>();
    for (const gw of gateways) {
      // Check every object first: a Gateway with one foreign object gets none of its objects.
      const pending: { id: string; hash: string; manifest: Manifest }[] = [];
      const foreign: string[] = [];
      let unreadable = false;
      for (const manifest of proxyManifests(gw, this.#opts.settings)) {
        const id = `${manifest.kind}/${manifest.metadata.namespace}/${manifest.metadata.name}`;
        live.add(id);
        const hash = canonicalHash(manifest);
        if (this.#applied.get(id) === hash) continue;
        const owner = this.#applied.has(id) ? "ours" : await this.#ownership(manifest, gw);
        if (owner === "error") unreadable = true;
        else if (owner === "foreign") foreign.push(`${manifest.kind} ${manifest.metadata.name}`);
        else pending.push({ id, hash, manifest });
      }
      if (unreadable) failed += 1;
      if (foreign.length === 0 && !unreadable) {
        for (const { id, hash, manifest } of pending) {
          if (await this.#apply(manifest)) this.#applied.set(id, hash);
          else failed += 1;
        }
      }
      if (foreign.length > 0) {
        conflicts.set(`${gw.namespace}/${gw.name}`, {
          reason: Reason.ProvisionedObjectConflict,
          message: `proxy not provisioned: ${foreign.join(", ")} in namespace ${gw.namespace} already exists without a controller ownerReference to this Gateway (uid ${gw.uid}); it was left untouched: rename the Gateway or remove that object`,
        });
        continue;
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
    return { failed, conflicts };
  }

  /** Absent or controlled by this Gateway → ours to apply; anything else is foreign. */
  async #ownership(manifest: Manifest, gw: GatewayInfo): Promise<"ours" | "foreign" | "error"> {
    const log = { kind: manifest.kind, object: `${manifest.metadata.namespace}/${manifest.metadata.name}` };
    try {
      const res = await this.#opts.client.request("GET", manifestPath(manifest));
      if (res.status === 404) return "ours";
      if (res.status !== 200 || !isRecord(res.body) || !isRecord(res.body.metadata)) {
        this.#opts.log.warn({ ...log, status: res.status }, "could not read the object before applying it");
        return "error";
      }
      const refs = Array.isArray(res.body.metadata.ownerReferences) ? res.body.metadata.ownerReferences : [];
      const controlled = refs.some((r) => isRecord(r) && r.controller === true && r.uid === gw.uid);
      if (controlled) return "ours";
      this.#opts.log.warn(
        { ...log, gateway: `${gw.namespace}/${gw.name}` },
        "an object with this name exists and is not controlled by the Gateway; leaving it untouched",
      );
      return "foreign";
    } catch (err) {
      this.#opts.log.warn(
        { ...log, err: describeError(err) },
        "could not read the object before applying it",
      );
      return "error";
    }
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
