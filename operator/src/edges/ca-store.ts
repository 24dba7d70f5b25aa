// The operator CA's Secret (default `ai-gateway-ca` in the operator's namespace): `tls.crt` and
// `tls.key` hold the current CA, `ca.crt` the trust bundle proxies get (current CA plus, during a
// rotation, the previous one until it expires). Replicas that start together converge on one CA:
// creation races end in 409 AlreadyExists and the loser re-reads; updates carry resourceVersion
// and re-read on 409. The CA key never leaves the Secret and this process; it is never logged.
//
// Rotation: when less than a third of the CA's life remains, a new CA is made and the bundle is
// new + old, so proxies that still hold the old bundle keep verifying until they re-read it
// (serving certificates come from the new CA from then on). Expired CAs are dropped from the bundle.
import type { KubeResponse, RequestOptions } from "../sources/kubernetes/client.ts";
import { isRecord } from "../sources/kubernetes/object-meta.ts";
import { type CaPem, createCa, DEFAULT_CA_VALIDITY_MS, dueForRotation, splitPem, validity } from "./ca.ts";

export const DEFAULT_CA_SECRET = "ai-gateway-ca";
export const BUNDLE_KEY = "ca.crt";
const MAX_ATTEMPTS = 5;

/** The part of KubeClient the store needs (a fake in unit tests). */
export interface CaApi {
  request(method: string, path: string, opts?: RequestOptions): Promise<KubeResponse>;
}

export interface CaState {
  ca: CaPem;
  /** PEM bundle of every CA proxies must trust now. */
  bundlePem: string;
}

export interface CaStoreOptions {
  client: CaApi;
  namespace: string;
  name?: string;
  caValidityMs?: number;
  now?: () => Date;
}

export class CaStoreError extends Error {}

function b64(s: string): string {
  return Buffer.from(s, "utf8").toString("base64");
}

function unb64(v: unknown): string | undefined {
  return typeof v === "string" ? Buffer.from(v, "base64").toString("utf8") : undefined;
}

/** One PEM per line block, current CA first, no duplicates. */
function bundleOf(certs: readonly string[]): string {
  return `${[...new Set(certs.map((c) => c.trim()))].join("\n")}\n`;
}

interface Read {
  state: CaState;
  resourceVersion: string;
}

export class CaStore {
  readonly #o: Required<CaStoreOptions>;

  constructor(opts: CaStoreOptions) {
    this.#o = {
      name: DEFAULT_CA_SECRET,
      caValidityMs: DEFAULT_CA_VALIDITY_MS,
      now: () => new Date(),
      ...opts,
    };
  }

  get #path(): string {
    return `/api/v1/namespaces/${encodeURIComponent(this.#o.namespace)}/secrets/${encodeURIComponent(this.#o.name)}`;
  }

  /**
   * The CA to sign with and the bundle to publish: created when missing, rotated when due, expired
   * CAs pruned from the bundle. Safe to call from several replicas at once.
   */
  async ensure(): Promise<CaState> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#read();
      const now = this.#o.now();
      if (current === undefined) {
        const ca = await createCa(now, this.#o.caValidityMs);
        const state = { ca, bundlePem: bundleOf([ca.certPem]) };
        const res = await this.#o.client.request("POST", this.#path.replace(/\/[^/]+$/, ""), {
          body: this.#secret(state),
        });
        if (res.status === 201) return state;
        if (res.status === 409) continue; // another replica won the race: use its CA
        throw new CaStoreError(
          `cannot create CA Secret ${this.#o.namespace}/${this.#o.name}: HTTP ${res.status}`,
        );
      }
      const next = await this.#next(current.state, now);
      if (next === current.state) return next;
      const res = await this.#o.client.request("PUT", this.#path, {
        body: this.#secret(next, current.resourceVersion),
      });
      if (res.status === 200) return next;
      if (res.status === 409) continue; // another replica rotated first: use its result
      throw new CaStoreError(
        `cannot update CA Secret ${this.#o.namespace}/${this.#o.name}: HTTP ${res.status}`,
      );
    }
    throw new CaStoreError(`CA Secret ${this.#o.namespace}/${this.#o.name}: too many conflicting writers`);
  }

  /** The state to write: `current` itself when nothing changes. */
  async #next(current: CaState, now: Date): Promise<CaState> {
    let { ca } = current;
    let rotated = false;
    if (dueForRotation(ca.certPem, now)) {
      ca = await createCa(now, this.#o.caValidityMs);
      rotated = true;
    }
    const kept = splitPem(current.bundlePem).filter(
      (pem) => validity(pem).notAfter.getTime() > now.getTime(),
    );
    const bundlePem = bundleOf([ca.certPem, ...kept]);
    if (!rotated && bundlePem === current.bundlePem) return current;
    return { ca, bundlePem };
  }

  async #read(): Promise<Read | undefined> {
    const res = await this.#o.client.request("GET", this.#path);
    if (res.status === 404) return undefined;
    if (res.status !== 200 || !isRecord(res.body)) {
      throw new CaStoreError(
        `cannot read CA Secret ${this.#o.namespace}/${this.#o.name}: HTTP ${res.status}`,
      );
    }
    const data = isRecord(res.body.data) ? res.body.data : {};
    const certPem = unb64(data["tls.crt"]);
    const keyPem = unb64(data["tls.key"]);
    const meta = isRecord(res.body.metadata) ? res.body.metadata : {};
    if (!certPem || !keyPem) {
      throw new CaStoreError(
        `CA Secret ${this.#o.namespace}/${this.#o.name} lacks tls.crt or tls.key; delete it to let the operator make a new CA`,
      );
    }
    return {
      state: { ca: { certPem, keyPem }, bundlePem: unb64(data[BUNDLE_KEY]) ?? certPem },
      resourceVersion: typeof meta.resourceVersion === "string" ? meta.resourceVersion : "",
    };
  }

  #secret(state: CaState, resourceVersion?: string): unknown {
    return {
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: this.#o.name,
        namespace: this.#o.namespace,
        labels: { "app.kubernetes.io/managed-by": "ai-gateway-operator" },
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      type: "kubernetes.io/tls",
      data: {
        "tls.crt": b64(state.ca.certPem),
        "tls.key": b64(state.ca.keyPem),
        [BUNDLE_KEY]: b64(state.bundlePem),
      },
    };
  }
}
