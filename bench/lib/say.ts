// Progress lines on stderr (stdout is the report), secrets redacted.
import { redact } from "./redact.ts";

export function say(scope: string, msg: string): void {
  console.error(redact(`[${scope}] ${msg}`));
}
