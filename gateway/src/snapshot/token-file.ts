// The proxy's stream token from a file: in cluster a projected ServiceAccount token the kubelet
// rotates (it swaps the file atomically), so it is read again on every connect and ack. A failed
// or empty read keeps the last good token; the token is never logged.
import { readFileSync } from "node:fs";

export function tokenFileReader(path: string, initial: string): () => string {
  let last = initial;
  return () => {
    try {
      const t = readFileSync(path, "utf8").trim();
      if (t) last = t;
    } catch {
      // Keep the last token; the server answers 401 if it has expired, and we retry.
    }
    return last;
  };
}
