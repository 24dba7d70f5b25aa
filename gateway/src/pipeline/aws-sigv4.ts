// AWS Signature Version 4 for auth mode awsSigV4 (Bedrock). The request is signed once its path and
// body are final: the signature covers host, x-amz-date, the body's SHA-256 and, with temporary
// credentials, x-amz-security-token. The credentials (JSON from the snapshot) never leave this
// function except as the signature headers. The signing libraries are loaded by the first signature:
// a proxy with no awsSigV4 backend never holds them.

let signing:
  | Promise<[typeof import("@smithy/signature-v4"), typeof import("@aws-crypto/sha256-js")]>
  | undefined;

function signingModules(): NonNullable<typeof signing> {
  signing ??= Promise.all([import("@smithy/signature-v4"), import("@aws-crypto/sha256-js")]);
  return signing;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export class AwsCredentialError extends Error {}

/** The credentials an awsSigV4 snapshot entry carries (names of fields only in errors). */
export function parseAwsCredentials(json: string): AwsCredentials {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new AwsCredentialError("AWS credentials are not JSON");
  }
  const o = typeof doc === "object" && doc !== null ? (doc as Record<string, unknown>) : {};
  const { accessKeyId, secretAccessKey, sessionToken } = o;
  if (typeof accessKeyId !== "string" || typeof secretAccessKey !== "string")
    throw new AwsCredentialError("AWS credentials lack accessKeyId or secretAccessKey");
  return {
    accessKeyId,
    secretAccessKey,
    ...(typeof sessionToken === "string" ? { sessionToken } : {}),
  };
}

export interface SignInput {
  method: string;
  /** Host header value (host[:port]). */
  authority: string;
  /** Path and query string, as sent. */
  path: string;
  body: Buffer;
  contentType: string;
  region: string;
  service: string;
  credentials: AwsCredentials;
  /** The signing time (tests pin it). */
  now?: Date;
}

/** The headers to add to the request: authorization, x-amz-date, x-amz-content-sha256, x-amz-security-token. */
export async function sigV4Headers(input: SignInput): Promise<Record<string, string>> {
  const [{ SignatureV4 }, { Sha256 }] = await signingModules();
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: input.service,
    sha256: Sha256,
  });
  const q = input.path.indexOf("?");
  const path = q === -1 ? input.path : input.path.slice(0, q);
  const query: Record<string, string> = {};
  if (q !== -1) for (const [k, v] of new URLSearchParams(input.path.slice(q + 1))) query[k] = v;
  const signed = await signer.sign(
    {
      method: input.method,
      protocol: "https:",
      hostname: input.authority,
      // as sent (model ids percent-encoded): the signer escapes it once more, as AWS expects
      path,
      query,
      headers: { host: input.authority, "content-type": input.contentType },
      body: input.body,
    },
    { signingDate: input.now ?? new Date() },
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) {
    const name = k.toLowerCase();
    if (name === "authorization" || name.startsWith("x-amz-")) out[name] = v;
  }
  return out;
}
