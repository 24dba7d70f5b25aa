// Gateway keys: `Authorization: Bearer <key>`, hashed with SHA-256 and compared in constant time
// against every accepted digest. Missing, malformed or unknown → 401 authentication_error.
import { createHash, timingSafeEqual } from "node:crypto";
import { GatewayError } from "../errors.ts";
import type { CompiledClientAuth } from "../snapshot/compile.ts";

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  return BEARER.exec(authorization)?.[1];
}

export function keyMatches(key: string, digests: readonly Buffer[]): boolean {
  const digest = createHash("sha256").update(key).digest();
  let ok = false;
  for (const d of digests) {
    // check every digest: the time taken does not reveal which one matched
    if (d.length === digest.length && timingSafeEqual(d, digest)) ok = true;
  }
  return ok;
}

/** The id of the key the request presented (after checkClientAuth accepted it); safe to log. */
export function matchedKeyId(
  authorization: string | undefined,
  auth: CompiledClientAuth | undefined,
): string | undefined {
  const key = bearerToken(authorization);
  if (!auth?.ids || key === undefined) return undefined;
  const digest = createHash("sha256").update(key).digest();
  let id: string | undefined;
  for (const [i, d] of auth.digests.entries()) {
    if (d.length === digest.length && timingSafeEqual(d, digest)) id = auth.ids[i];
  }
  return id;
}

/** undefined when the request may go on; the error to answer otherwise. */
export function checkClientAuth(
  authorization: string | undefined,
  auth: CompiledClientAuth | undefined,
): GatewayError | undefined {
  if (!auth) return undefined;
  const key = bearerToken(authorization);
  if (key === undefined || !keyMatches(key, auth.digests)) return new GatewayError("authentication_error");
  return undefined;
}
