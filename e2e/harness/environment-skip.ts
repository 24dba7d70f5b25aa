// A test may be skipped for a missing piece of the environment on a developer's machine, never in
// CI: there the project's own scripts install everything, so a missing piece is a failure.
import { isCi } from "../../scripts/lib/golden-update.ts";

/**
 * For `describe(name, { skip: environmentSkip(cond && "why") })` and `t.skip`: returns the reason
 * to skip, or false; under CI=true a reason is thrown instead, failing the test.
 */
export function environmentSkip(
  reason: string | false,
  env: NodeJS.ProcessEnv = process.env,
): string | false {
  if (reason === false || reason === "") return false;
  if (isCi(env)) throw new Error(`environment missing under CI=true (a failure, not a skip): ${reason}`);
  return reason;
}
