// state.json of a persistent control plane: ports, pids and binaries, so a later command can
// find (and verify) the processes an earlier one left running.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { z } from "zod";
import { HarnessError, HarnessErrorCode } from "./errors.ts";

const Port = z.number().int().min(1).max(65535);
const Pid = z.number().int().positive();

export const ControlPlaneState = z.object({
  version: z.literal(1),
  ports: z.object({ etcdClient: Port, etcdPeer: Port, apiServer: Port }),
  pids: z.object({ etcd: Pid.optional(), apiServer: Pid.optional() }),
  binaries: z.object({ etcd: z.string().min(1), apiServer: z.string().min(1) }),
});
export type ControlPlaneState = z.infer<typeof ControlPlaneState>;

/** The state in `path`, undefined when there is none; a corrupt file is an error. */
export function readState(path: string): ControlPlaneState | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return ControlPlaneState.parse(JSON.parse(text));
  } catch (err) {
    throw new HarnessError(HarnessErrorCode.StateInvalid, `${path} is not a valid state file`, {
      cause: err,
    });
  }
}

export function writeState(path: string, state: ControlPlaneState): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
