// The simulator's run-time settings (latency, chunks, keys) and its id counter.
import { createEntraAuthority, type EntraApp, type EntraAuthority } from "./entra.ts";
import { createGcpAuthority, type GcpAuthority, type GcpServiceAccount } from "./gcp-auth.ts";
import type { Latency, SimulatorOptions } from "./types.ts";

export interface SimState {
  ttftMs: number;
  interTokenMs: number;
  chunks: number;
  requiredKeys: ReadonlySet<string> | undefined;
  /** Google's token endpoint and Vertex AI's access tokens. */
  gcp: GcpAuthority;
  /** AWS secret access keys by access key id (Bedrock's SigV4 check). */
  awsKeys: ReadonlyMap<string, string>;
  /** Entra ID's token endpoint and the Azure access tokens it issued. */
  entra: EntraAuthority;
  /** Where the key check reads the key (undefined: each provider's own header). */
  keyLocation: SimulatorOptions["keyLocation"];
  /** Every API is also served under this prefix. */
  basePath: string | undefined;
  nextId(prefix: string): string;
}

export const DEFAULT_CHUNKS = 5;

export function createState(
  init: Latency & {
    chunks?: number;
    requireKey?: string | string[];
    gcpServiceAccounts?: GcpServiceAccount[];
    gcpTokenTtlSeconds?: number;
    awsCredentials?: { accessKeyId: string; secretAccessKey: string }[];
    entraApps?: EntraApp[];
    entraTokenTtlSeconds?: number;
    keyLocation?: SimulatorOptions["keyLocation"];
    basePath?: string;
  },
): SimState {
  let seq = 0;
  return {
    ttftMs: init.ttftMs ?? 0,
    interTokenMs: init.interTokenMs ?? 0,
    chunks: init.chunks ?? DEFAULT_CHUNKS,
    requiredKeys: toKeySet(init.requireKey),
    gcp: createGcpAuthority({
      ...(init.gcpServiceAccounts ? { accounts: init.gcpServiceAccounts } : {}),
      ...(init.gcpTokenTtlSeconds !== undefined ? { ttlSeconds: init.gcpTokenTtlSeconds } : {}),
    }),
    awsKeys: new Map((init.awsCredentials ?? []).map((c) => [c.accessKeyId, c.secretAccessKey])),
    entra: createEntraAuthority({
      ...(init.entraApps ? { apps: init.entraApps } : {}),
      ...(init.entraTokenTtlSeconds !== undefined ? { ttlSeconds: init.entraTokenTtlSeconds } : {}),
    }),
    keyLocation: init.keyLocation,
    basePath: init.basePath,
    nextId(prefix) {
      seq += 1;
      return `${prefix}${seq.toString().padStart(8, "0")}`;
    },
  };
}

export function toKeySet(k: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (k === undefined) return undefined;
  return new Set(typeof k === "string" ? [k] : k);
}

export function applyLatency(state: SimState, l: Latency): void {
  if (l.ttftMs !== undefined) state.ttftMs = l.ttftMs;
  if (l.interTokenMs !== undefined) state.interTokenMs = l.interTokenMs;
}
