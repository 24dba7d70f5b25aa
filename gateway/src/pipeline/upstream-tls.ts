// A provider's TLS settings (snapshot upstreamTls, from AgentgatewayBackend policies.tls) as the
// options of the sockets its pool opens: trust (ca), client identity (cert, key), SNI, how the
// server certificate is checked (verifySubjectAltNames, insecureSkipVerify), ALPN and key exchange
// groups. The pool key carries a hash of the settings, so a rotated CA or client certificate gets a
// new pool and the old one is retired (AgentPool.retain) once its requests are done.
import { createHash } from "node:crypto";
import { isIP } from "node:net";
import {
  type ConnectionOptions,
  checkServerIdentity,
  type PeerCertificate,
  connect as tlsConnect,
} from "node:tls";
import type { buildConnector } from "undici";
import type { UpstreamTls } from "../snapshot/schema.ts";
import { ConnectTimeoutError } from "./undici-parts.ts";

/** Upstream's key exchange group names → OpenSSL's. */
const OPENSSL_GROUPS: Record<NonNullable<UpstreamTls["keyExchangeGroups"]>[number], string> = {
  X25519: "X25519",
  "P-256": "P-256",
  "P-384": "P-384",
  X25519_MLKEM768: "X25519MLKEM768",
};

/** Short hash of the settings, for the pool key (PEMs change on rotation, the key with them). */
export function tlsSettingsHash(t: UpstreamTls): string {
  return createHash("sha256").update(JSON.stringify(t)).digest("hex").slice(0, 16);
}

/** The server certificate must carry one of `names`: DNS names and IPs as Node checks a host; URIs (spiffe://...) against its URI SANs. */
export function sanVerifier(names: readonly string[]) {
  return (_host: string, cert: PeerCertificate): Error | undefined => {
    const uris = (cert.subjectaltname ?? "")
      .split(", ")
      .filter((s) => s.startsWith("URI:"))
      .map((s) => s.slice(4));
    for (const name of names) {
      if (name.includes("://") ? uris.includes(name) : checkServerIdentity(name, cert) === undefined)
        return undefined;
    }
    const err = new Error(
      `server certificate matches none of verifySubjectAltNames (${names.join(", ")})`,
    ) as Error & { code: string };
    err.code = "ERR_TLS_CERT_ALTNAME_INVALID";
    return err;
  };
}

/** tls.connect options for a provider's pool (undefined settings: Node's defaults, system CAs). */
export function tlsConnectOptions(t: UpstreamTls | undefined): ConnectionOptions {
  if (t === undefined) return {};
  const out: ConnectionOptions = {};
  if (t.ca !== undefined) out.ca = t.ca;
  if (t.cert !== undefined) out.cert = t.cert;
  if (t.privateKey !== undefined) out.key = t.privateKey;
  if (t.sni !== undefined) out.servername = t.sni;
  if (t.insecureSkipVerify === "All") out.rejectUnauthorized = false;
  else if (t.insecureSkipVerify === "Hostname") out.checkServerIdentity = () => undefined;
  else if (t.verifySubjectAltNames !== undefined)
    out.checkServerIdentity = sanVerifier(t.verifySubjectAltNames);
  if (t.keyExchangeGroups !== undefined)
    out.ecdhCurve = t.keyExchangeGroups.map((g) => OPENSSL_GROUPS[g]).join(":");
  return out;
}

/**
 * undici's own connector always offers its ALPN list (http/1.1); a provider that sets alpnProtocols
 * gets this one: tls.connect with the list as given, the same connect timeout, keep-alive and
 * no-delay. A server that picks h2 is spoken to in HTTP/2 (undici reads socket.alpnProtocol).
 */
export function alpnConnector(
  options: ConnectionOptions,
  alpn: readonly string[],
  timeoutMs: number,
): buildConnector.connector {
  return ({ hostname, port, servername }, callback) => {
    const name = servername || options.servername || (isIP(hostname) ? undefined : hostname);
    const socket = tlsConnect({
      ...options,
      host: hostname,
      port: Number(port) || 443,
      ...(name ? { servername: name } : {}),
      ALPNProtocols: [...alpn],
    });
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.off("secureConnect", onConnect);
      socket.off("error", finish);
      if (err) {
        socket.destroy();
        callback(err, null);
      } else callback(null, socket);
    };
    const onConnect = () => finish(null);
    const timer = setTimeout(
      () => finish(new ConnectTimeoutError(`Connect Timeout Error (${hostname}:${port}, ${timeoutMs}ms)`)),
      timeoutMs,
    );
    socket.setNoDelay(true).setKeepAlive(true, 60_000);
    socket.once("secureConnect", onConnect);
    socket.once("error", finish);
    return socket;
  };
}
