// The simulator's public contract. Proxy e2e tests, `npm start`, the operator e2e and the
// benchmarks code against these shapes: add fields, never rename them.

export interface SimulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Address to bind; default 127.0.0.1. */
  host?: string;
  /** Delay before the first byte of a successful answer (stream or not). */
  ttftMs?: number;
  /** Delay between two content chunks of a stream. */
  interTokenMs?: number;
  /** Content tokens (words) per answer; default 5. Output tokens equal this number. */
  chunks?: number;
  /** When set, requests must carry one of these keys in the provider's auth header, else 401. */
  requireKey?: string | string[];
  /** Recorded requests kept (oldest dropped first); default 10000. */
  maxRecorded?: number;
  /** Service accounts whose signed JWTs POST /token exchanges for Vertex AI access tokens. */
  gcpServiceAccounts?: { clientEmail: string; publicKeyPem: string; projectId: string }[];
  /** Lifetime of issued access tokens; default 3600. */
  gcpTokenTtlSeconds?: number;
  /** Entra ID app registrations POST /{tenant}/oauth2/v2.0/token issues Azure access tokens for. */
  entraApps?: { tenantId: string; clientId: string; clientSecret: string }[];
  /** Lifetime of issued Entra access tokens; default 3599. */
  entraTokenTtlSeconds?: number;
  /**
   * Where the key check reads the key, for a self-hosted OpenAI-compatible server configured so
   * (default: each provider's own header). Only this place counts when set.
   */
  keyLocation?:
    | { in: "header"; name: string; prefix?: string }
    | { in: "queryParameter"; name: string }
    | { in: "cookie"; name: string };
  /** Also serve every API under this path prefix (a self-hosted server mounted elsewhere, e.g. /compat). */
  basePath?: string;
  /** AWS credentials whose SigV4 signatures Bedrock calls must carry (none: every Bedrock call is 403). */
  awsCredentials?: { accessKeyId: string; secretAccessKey: string }[];
  /** Serve HTTPS with this certificate (PEM); with `clientCa`, a client certificate signed by it is
   * required; `alpn`: the ALPN protocols accepted, in order of preference (default http/1.1);
   * `groups`: the key exchange groups accepted (OpenSSL names joined by ':', e.g. "X25519"). */
  tls?: { key: string; cert: string; clientCa?: string; alpn?: string[]; groups?: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** True when the client went away before the answer was complete. */
  aborted: boolean;
  /** Over HTTPS: the SNI the client sent, the ALPN protocol agreed and the client certificate's CN. */
  tls?: { servername?: string; alpn?: string; clientCn?: string };
}

export type Fault =
  | { kind: "status"; status: number; retryAfter?: number }
  | { kind: "hang" }
  | { kind: "cut"; afterChunks: number }
  | { kind: "reset" };

export interface FaultOptions {
  /** How many matching requests get the fault; default 1, or unlimited when pathPrefix is set. */
  count?: number;
  /** Only requests whose path starts with this prefix get the fault. */
  pathPrefix?: string;
}

export interface Latency {
  ttftMs?: number;
  interTokenMs?: number;
}

export interface Simulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  port: number;
  /** Every provider request, oldest first (control calls under /_sim/ are not recorded). */
  requests: RecordedRequest[];
  lastRequest(): RecordedRequest | undefined;
  /** Clears recorded requests and armed faults (latency, chunks and keys stay). */
  reset(): void;
  injectFault(fault: Fault, opts?: FaultOptions): void;
  setLatency(l: Latency): void;
  setRequiredKey(k: string | string[] | undefined): void;
  /** Content tokens per answer from now on. */
  setChunks(n: number): void;
  /** Vertex AI access tokens issued by POST /token so far. */
  gcpTokensIssued(): number;
  /** Azure access tokens issued by POST /{tenant}/oauth2/v2.0/token so far. */
  entraTokensIssued(): number;
  /** Revokes every issued Entra token: Azure answers 401 to them from now on. */
  revokeEntraTokens(): void;
  /** Revokes every issued access token: Vertex AI answers 401 to them from now on. */
  revokeGcpTokens(): void;
  /** Closes the listener and destroys open sockets (hanging and streaming answers included). */
  close(): Promise<void>;
}
