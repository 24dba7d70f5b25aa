// Keeps the snapshot server's TLS identity fresh: asks the CA store for the current CA (creating
// or rotating it), issues a short-lived serving certificate from it and hands it to the server
// (setSecureContext, no restart). The serving key lives only in this process's memory.
// Renewal runs when half of the serving certificate's life has passed, and at least hourly so a
// CA rotation by another replica is picked up.
import type { Logger } from "../../../gateway/src/log.ts";
import { DEFAULT_SERVING_VALIDITY_MS, issueServingCert, type ServingCert } from "./ca.ts";
import type { CaState } from "./ca-store.ts";
import { describeError } from "./errors.ts";

const MAX_CHECK_MS = 3_600_000;
const RETRY_MS = 10_000;

export interface TlsMaterial {
  cert: string;
  key: string;
  /** Trust bundle proxies should use (current CA, plus the previous one during a rotation). */
  bundle: string;
}

export interface ServingTlsOptions {
  ca: { ensure(): Promise<CaState> };
  dnsNames: readonly string[];
  log: Logger;
  onChange: (tls: TlsMaterial) => void;
  servingValidityMs?: number;
  /** How often the CA Secret is re-checked (default: a quarter of the serving life, at most hourly). */
  checkEveryMs?: number;
  now?: () => Date;
}

type Current = ServingCert & { caCertPem: string; bundle: string };

export class ServingTls {
  readonly #o: ServingTlsOptions;
  #current: Current | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(opts: ServingTlsOptions) {
    this.#o = opts;
  }

  /** First material (throws when the CA cannot be read or created); then renews in the background. */
  async start(): Promise<TlsMaterial> {
    const tls = await this.refresh();
    this.#schedule();
    return tls;
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Re-read the CA; issue a new serving certificate when the CA changed or half its life passed. */
  async refresh(): Promise<TlsMaterial> {
    const now = (this.#o.now ?? (() => new Date()))();
    const state = await this.#o.ca.ensure();
    const validityMs = this.#o.servingValidityMs ?? DEFAULT_SERVING_VALIDITY_MS;
    const cur = this.#current;
    const stale =
      cur === undefined ||
      cur.caCertPem !== state.ca.certPem ||
      cur.notAfter.getTime() - now.getTime() < validityMs / 2;
    let next: Current;
    if (stale) {
      const cert = await issueServingCert(state.ca, this.#o.dnsNames, now, validityMs);
      next = { ...cert, caCertPem: state.ca.certPem, bundle: state.bundlePem };
      this.#o.log.info({ notAfter: cert.notAfter.toISOString() }, "snapshot server certificate issued");
    } else if (cur.bundle !== state.bundlePem) {
      next = { ...cur, bundle: state.bundlePem };
    } else {
      return material(cur);
    }
    this.#current = next;
    const tls = material(next);
    this.#o.onChange(tls);
    return tls;
  }

  #schedule(delayMs?: number): void {
    if (this.#stopped) return;
    const validityMs = this.#o.servingValidityMs ?? DEFAULT_SERVING_VALIDITY_MS;
    const wait = delayMs ?? this.#o.checkEveryMs ?? Math.max(1000, Math.min(MAX_CHECK_MS, validityMs / 4));
    this.#timer = setTimeout(() => {
      this.refresh().then(
        () => this.#schedule(),
        (err) => {
          this.#o.log.warn(
            { err: describeError(err) },
            "cannot renew the snapshot server certificate; retrying",
          );
          this.#schedule(RETRY_MS);
        },
      );
    }, wait);
    this.#timer.unref();
  }
}

function material(c: ServingCert & { bundle: string }): TlsMaterial {
  return { cert: c.certPem, key: c.keyPem, bundle: c.bundle };
}
