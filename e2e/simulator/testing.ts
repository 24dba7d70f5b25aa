// Helpers shared by the simulator's own tests (not part of its API).
import { generateKeyPairSync, sign } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

/** Polls until `check` returns a value other than undefined/false (gives up after `limitMs`). */
export async function waitFor<T>(
  check: () => T | undefined | false,
  what: string,
  limitMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(10);
  }
}

export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Splits an SSE body into events (blank-line separated; LF or CRLF). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    if (block.trim() === "") continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    }
    events.push({ event, data: data.join("\n") });
  }
  return events;
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** A Google service account for tests: its key pair, and JWT assertions signed with it. */
export interface TestServiceAccount {
  clientEmail: string;
  projectId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  /** The service-account key JSON file, naming `tokenUri`. */
  keyJson(tokenUri: string): string;
  /** A signed JWT assertion (RS256) with these claims over the defaults (iss, scope, iat, exp). */
  assertion(claims: Record<string, unknown>, header?: Record<string, unknown>): string;
}

export function testServiceAccount(projectId: string, name = "gateway"): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const clientEmail = `${name}@${projectId}.iam.gserviceaccount.com`;
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return {
    clientEmail,
    projectId,
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyPem,
    keyJson: (tokenUri) =>
      JSON.stringify({
        type: "service_account",
        project_id: projectId,
        private_key_id: "0123456789abcdef",
        private_key: privateKeyPem,
        client_email: clientEmail,
        client_id: "100000000000000000001",
        auth_uri: "https://accounts.google.com/o/oauth2/auth",
        token_uri: tokenUri,
      }),
    assertion(claims, header = {}) {
      const now = Math.floor(Date.now() / 1000);
      const input = `${b64({ alg: "RS256", typ: "JWT", ...header })}.${b64({
        iss: clientEmail,
        scope: "https://www.googleapis.com/auth/cloud-platform",
        iat: now,
        exp: now + 3600,
        ...claims,
      })}`;
      return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
    },
  };
}

/** POST /token with a JWT bearer grant; the parsed answer and status. */
export async function exchangeAssertion(
  tokenUrl: string,
  assertion: string,
  grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer",
): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: grantType, assertion }).toString(),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}
