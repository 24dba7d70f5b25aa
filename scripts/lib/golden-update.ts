// The one switch that lets a test rewrite its golden files, and the rule that CI never may.
// A golden records what the spec says; a regenerated one must be checked by hand before it is
// committed, so under CI=true the switch is an error instead of a silent rewrite.

/** Environment variables that ask a test to rewrite goldens (any of them, set to anything). */
export const GOLDEN_UPDATE_VARS = ["UPDATE_GOLDEN", "UPDATE_GOLDENS", "GOLDEN_UPDATE", "UPDATE_SNAPSHOTS"];

/** The golden-update switches set in `env`, by name. */
export function goldenUpdateSwitches(env: NodeJS.ProcessEnv): string[] {
  return GOLDEN_UPDATE_VARS.filter((name) => (env[name] ?? "") !== "");
}

/** True when goldens should be rewritten; throws under CI=true when any switch is set. */
export function goldenUpdateRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const set = goldenUpdateSwitches(env);
  if (set.length > 0 && isCi(env)) {
    throw new Error(`${set.join(", ")} is set under CI=true: goldens are never rewritten in CI`);
  }
  return env.UPDATE_GOLDEN === "1";
}

export function isCi(env: NodeJS.ProcessEnv): boolean {
  const v = (env.CI ?? "").toLowerCase();
  return v !== "" && v !== "0" && v !== "false";
}
