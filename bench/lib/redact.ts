// Every secret the bench makes (provider keys, stream tokens, rotated keys) is registered here,
// and everything the bench prints or writes passes through redact() first: a failure reason that
// quotes a server's log can never leak one into the results or the docs.
const secrets = new Set<string>();

export function registerSecret(s: string): string {
  if (s.length >= 8) secrets.add(s);
  return s;
}

export function redact(text: string): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join("[REDACTED]");
  return out;
}
