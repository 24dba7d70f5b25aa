// A Google service-account key (the JSON file `gcloud iam service-accounts keys create` writes),
// read from a Secret for policies.auth.gcp. Only what the proxy needs to make access tokens is
// kept: client_email, private_key (PKCS#8 PEM), private_key_id and token_uri. Problems name the
// Secret, the key and the field, never a value.
import { keyOf, type NamespacedName } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";

/** What travels in the snapshot (as JSON) for a gcpServiceAccount credential. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri: string;
}

/** The token endpoint Google's key files name (and Google's libraries use when one names none). */
export const GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";

const PEM = /^-----BEGIN PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PRIVATE KEY-----\s*$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * token_uri must be https; plain http only to a loopback address (a local token server): the
 * signed assertion is a credential and never crosses a network in clear.
 */
function tokenUriProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "is not a URL";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && LOOPBACK.has(url.hostname)) return undefined;
  return "must be an https URL (plain http only to a loopback address)";
}

function str(o: Record<string, unknown>, k: string): string | undefined {
  const v = o[k];
  return typeof v === "string" ? v : undefined;
}

/** Parse and check the key JSON held by `ref`'s entry `entry`. */
export function parseServiceAccountKey(
  text: string,
  ref: NamespacedName,
  entry: string,
): ServiceAccountKey | Problem {
  const where = `key "${entry}" of Secret ${keyOf(ref)}`;
  const bad = (what: string): Problem => ({
    reason: Reason.InvalidSecret,
    message: `${where} is not a Google service-account key: ${what}`,
  });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return bad("not JSON");
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return bad("not a JSON object");
  const o = doc as Record<string, unknown>;
  if (o.type !== "service_account") return bad('"type" is not "service_account"');
  const email = str(o, "client_email");
  if (email === undefined || !EMAIL.test(email)) return bad('"client_email" is missing or not an email');
  const pem = str(o, "private_key");
  if (pem === undefined || !PEM.test(pem)) {
    return bad('"private_key" is missing or not a PKCS#8 PEM private key');
  }
  const tokenUri = str(o, "token_uri") ?? GOOGLE_TOKEN_URI;
  const uriProblem = tokenUriProblem(tokenUri);
  if (uriProblem) return bad(`"token_uri" ${uriProblem}`);
  const keyId = str(o, "private_key_id");
  return {
    client_email: email,
    private_key: pem,
    ...(keyId ? { private_key_id: keyId } : {}),
    token_uri: tokenUri,
  };
}
