// The one structured JSON logger (pino). Every component takes a child of it with its own
// `component` field; objects are named by kind and namespace/name. Secret-bearing fields are
// redacted by path as a second line of defence: code must not log credentials in the first place.
import { type Logger, pino } from "pino";

export type { Logger };

export const REDACT_PATHS = [
  "credential",
  "*.credential",
  "*.*.credential",
  "privateKey",
  "*.privateKey",
  "*.*.privateKey",
  "*.*.*.privateKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  'headers["api-key"]',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  "headers.cookie",
  "token",
  "*.token",
];

export function createLogger(
  opts: { level?: string; component?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const base = pino(
    {
      level: opts.level ?? process.env.LOG_LEVEL ?? "info",
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: "[REDACTED]" },
    },
    opts.destination,
  );
  return opts.component ? base.child({ component: opts.component }) : base;
}
