// The proxy's trust bundle for the operator's snapshot server, from a file: in cluster the
// `ai-gateway-ca` ConfigMap mounted as a volume (the kubelet updates it when the operator rotates
// its CA), so it is read again on every connect and ack. A failed read or a file without a PEM
// certificate keeps the last good bundle.
import { readFileSync } from "node:fs";

export function caFileReader(path: string): () => string {
  let last = readFileSync(path, "utf8");
  return () => {
    try {
      const pem = readFileSync(path, "utf8");
      if (pem.includes("BEGIN CERTIFICATE")) last = pem;
    } catch {
      // Keep the last bundle; a server that no longer verifies is refused and retried.
    }
    return last;
  };
}
