// Where a backend credential travels: upstream's policies.auth.location (exactly one of header
// {name, prefix}, queryParameter {name}, cookie {name}) or our older policies.auth.header
// {name, prefix}. Names that could never work are refused here, at config time, with the field path.

import type { CredentialLocation } from "../../../gateway/src/snapshot/schema.ts";
import type { AuthorizationLocation, AuthPolicy } from "../api/agentgateway-backend.ts";
import { type Problem, Reason } from "./reasons.ts";
import { headerSafe } from "./secret-data.ts";

/**
 * Where a credential goes. header/prefix undefined: the provider's default (prefix: the provider's
 * own when the header is the provider's, else none). location set: a query parameter or a cookie.
 */
export interface Placement {
  header?: string;
  prefix?: string;
  location?: CredentialLocation;
}

/** RFC 9110 token characters: what a header (or cookie) name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the proxy itself owns: a credential there would break or hijack the request. */
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "upgrade",
  "te",
  "trailer",
  "keep-alive",
  "proxy-connection",
]);
/** RFC 6265 cookie-octet: what a cookie value may hold unquoted. */
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/;

const invalid = (message: string): Problem => ({ reason: Reason.InvalidConfig, message });

export function headerNameProblem(name: string, path: string): Problem | undefined {
  if (!TOKEN.test(name)) {
    return invalid(
      `${path}: "${name}" is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only; no spaces or ':')`,
    );
  }
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    return invalid(`${path}: "${name}" is set by the proxy itself and cannot carry a credential`);
  }
  return undefined;
}

export function prefixProblem(prefix: string, path: string): Problem | undefined {
  if (headerSafe(prefix)) return undefined;
  return invalid(
    `${path}: contains characters not allowed in an HTTP header (CR, LF or another control character)`,
  );
}

/** A value a cookie can carry as is (no quoting, no ';', ',', space or backslash). */
export function cookieSafe(value: string): boolean {
  return COOKIE_VALUE.test(value);
}

/** One AuthorizationLocation (at `path`) as a Placement. */
export function locationPlacement(loc: AuthorizationLocation, path: string): Placement | Problem {
  const set = (["header", "queryParameter", "cookie"] as const).filter((k) => loc[k] !== undefined);
  if (set.length !== 1) {
    return invalid(
      `${path}: exactly one of header, queryParameter, cookie must be set (found ${set.length === 0 ? "none" : set.join(", ")})`,
    );
  }
  if (loc.header) {
    const bad =
      headerNameProblem(loc.header.name, `${path}.header.name`) ??
      (loc.header.name.toLowerCase() === "cookie"
        ? invalid(`${path}.header.name: use location.cookie to send a credential as a cookie`)
        : undefined) ??
      (loc.header.prefix !== undefined
        ? prefixProblem(loc.header.prefix, `${path}.header.prefix`)
        : undefined);
    if (bad) return bad;
    // upstream: an explicit header without prefix carries the credential alone
    return { header: loc.header.name, prefix: loc.header.prefix ?? "" };
  }
  if (loc.queryParameter) {
    return { header: "", prefix: "", location: { in: "queryParameter", name: loc.queryParameter.name } };
  }
  const name = (loc.cookie as { name: string }).name;
  if (!TOKEN.test(name)) {
    return invalid(
      `${path}.cookie.name: "${name}" is not a valid cookie name (letters, digits and !#$%&'*+-.^_\`|~ only)`,
    );
  }
  return { header: "", prefix: "", location: { in: "cookie", name } };
}

/**
 * The placement a policies.auth asks for: location, or our older header override, or the
 * provider's default. Both set is refused (they would disagree).
 */
export function authPlacement(auth: AuthPolicy, path: string): Placement | Problem {
  if (auth.location !== undefined && auth.header !== undefined) {
    return invalid(
      `${path}: location and header cannot both be set (header is the older spelling of location.header)`,
    );
  }
  if (auth.location !== undefined) return locationPlacement(auth.location, `${path}.location`);
  const header = auth.header;
  if (header === undefined) return {};
  if (header.name !== undefined) {
    const bad = headerNameProblem(header.name, `${path}.header.name`);
    if (bad) return bad;
  }
  if (header.prefix !== undefined) {
    const bad = prefixProblem(header.prefix, `${path}.header.prefix`);
    if (bad) return bad;
  }
  return {
    ...(header.name !== undefined ? { header: header.name } : {}),
    ...(header.prefix !== undefined ? { prefix: header.prefix } : {}),
  };
}

/** A credential that cannot travel at its placement (a cookie takes fewer characters than a header). */
export function credentialPlacementProblem(
  credential: string,
  placement: Placement,
  where: string,
): Problem | undefined {
  if (placement.location?.in !== "cookie" || cookieSafe(credential)) return undefined;
  return {
    reason: Reason.InvalidSecret,
    message: `${where} holds characters a cookie value cannot carry (space, '"', ',', ';' or '\\')`,
  };
}
