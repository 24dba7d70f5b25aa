// The operator's certificate authority for the snapshot channel (operator ⇄ proxy): snapshots
// carry provider keys, so the channel is TLS and proxies verify the operator against this CA.
// Pure crypto with an explicit clock: ECDSA P-256, a self-signed CA (default 1 year) and short-lived
// serving certificates (default 7 days) for the operator Service's DNS names and loopback.
// Storage (the CA Secret) and rotation policy live in ca-store.ts.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
export const DEFAULT_CA_VALIDITY_MS = 365 * DAY_MS;
export const DEFAULT_SERVING_VALIDITY_MS = 7 * DAY_MS;
/** Clock skew tolerated between the operator and proxies: certificates start this early. */
const BACKDATE_MS = 5 * 60_000;

/** Backdating never exceeds a tenth of the validity (short test validities keep their meaning). */
function backdate(now: Date, validityMs: number): Date {
  return new Date(now.getTime() - Math.min(BACKDATE_MS, validityMs / 10));
}

/** A CA certificate and its private key, both PEM. */
export interface CaPem {
  certPem: string;
  keyPem: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

function serial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0] ?? 0) & 0x7f; // positive
  return Buffer.from(b).toString("hex");
}

function keyToPem(der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64.trimEnd()}\n-----END PRIVATE KEY-----\n`;
}

function pemToDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, "").replace(/\s+/g, "");
  return new Uint8Array(Buffer.from(b64, "base64"));
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

/** A new self-signed CA valid from `now` (minus a little skew) for `validityMs`. */
export async function createCa(now: Date, validityMs = DEFAULT_CA_VALIDITY_MS): Promise<CaPem> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=ai-gateway operator CA ${now.toISOString()}`,
    notBefore: backdate(now, validityMs),
    notAfter: new Date(now.getTime() + validityMs),
    signingAlgorithm: ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { certPem: cert.toString("pem"), keyPem: keyToPem(pkcs8) };
}

/** Validity of the first certificate in a PEM. Throws on a malformed certificate. */
export function validity(certPem: string): Validity {
  const cert = new x509.X509Certificate(certPem);
  return { notBefore: cert.notBefore, notAfter: cert.notAfter };
}

/** Every certificate in a PEM bundle, as PEM blocks. */
export function splitPem(bundle: string): string[] {
  return bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Whether less than a third of the CA's life remains at `now` (or it is already expired). */
export function dueForRotation(certPem: string, now: Date): boolean {
  const { notBefore, notAfter } = validity(certPem);
  const life = notAfter.getTime() - notBefore.getTime();
  return notAfter.getTime() - now.getTime() < life / 3;
}

/** The DNS names under which proxies reach the operator Service in namespace `ns`. */
export function serviceDnsNames(service: string, ns: string): string[] {
  return [service, `${service}.${ns}`, `${service}.${ns}.svc`, `${service}.${ns}.svc.cluster.local`];
}

export interface ServingCert {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

/**
 * A serving certificate signed by `ca` for `dnsNames`, localhost, 127.0.0.1 and ::1, valid for
 * `validityMs` but never past the CA's own expiry. The key exists only in the returned object.
 */
export async function issueServingCert(
  ca: CaPem,
  dnsNames: readonly string[],
  now: Date,
  validityMs = DEFAULT_SERVING_VALIDITY_MS,
): Promise<ServingCert> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey("pkcs8", pemToDer(ca.keyPem), ALG, false, ["sign"]);
  const keys = await generateKeys();
  const notAfter = new Date(Math.min(now.getTime() + validityMs, caCert.notAfter.getTime()));
  const names = [...new Set([...dnsNames, "localhost"])];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names[0]}`,
    issuer: caCert.subject,
    notBefore: backdate(now, validityMs),
    notAfter,
    signingAlgorithm: ALG,
    signingKey: caKey as unknown as x509.X509CertificateCreateWithKeyParams["signingKey"],
    publicKey: keys.publicKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.map((value) => ({ type: "dns" as const, value })),
        { type: "ip", value: "127.0.0.1" },
        { type: "ip", value: "::1" },
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { certPem: cert.toString("pem"), keyPem: keyToPem(pkcs8), notAfter };
}
