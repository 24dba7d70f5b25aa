// Resolves on the first SIGTERM or SIGINT (logged): where the proxy's main loops start draining.
import type { Logger } from "./log.ts";

export function shutdownSignal(log: Logger): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, "shutting down");
      resolve();
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });
}
