// A tiny watchdog shell per ephemeral control plane. It holds the read end of a pipe from this
// process; when that pipe closes for ANY reason (normal exit, crash, SIGKILL of the test runner)
// it SIGKILLs the pids it was told about and removes the temp dir. Exit handlers cover the normal
// cases; the reaper covers the one they cannot: this process being killed outright.
import { spawn } from "node:child_process";

const SCRIPT = `
trap '' INT TERM HUP
pids=" "
while IFS= read -r line; do
  case "$line" in
    +*) pids="$pids\${line#+} " ;;
    -*) pids=$(printf '%s' "$pids" | sed "s/ \${line#-} / /") ;;
  esac
done
for p in $pids; do kill -9 "$p" 2>/dev/null; done
if [ -n "$1" ]; then rm -rf -- "$1"; fi
`;

export type Reaper = {
  watch(pid: number): void;
  forget(pid: number): void;
  /** Normal shutdown: the caller has stopped everything itself; the reaper just exits. */
  release(): void;
  /** Resolves when the reaper shell has exited (after its kills were sent). */
  exited: Promise<void>;
};

export function startReaper(removeDir: string | undefined): Reaper {
  const child = spawn("/bin/sh", ["-c", SCRIPT, "ai-gateway-reaper", removeDir ?? ""], {
    stdio: ["pipe", "ignore", "ignore"],
    detached: true,
  });
  const stdin = child.stdin;
  if (stdin === null) throw new Error("reaper has no stdin");
  stdin.on("error", () => {
    // the reaper is gone; exit handlers still clean up
  });
  const exited = new Promise<void>((resolveExit) => {
    child.once("exit", () => resolveExit());
    child.once("error", () => resolveExit());
  });
  child.unref();
  // The pipe must not keep the event loop alive either.
  if ("unref" in stdin && typeof stdin.unref === "function") stdin.unref();
  let released = false;
  const send = (line: string) => {
    if (!released) stdin.write(`${line}\n`);
  };
  return {
    watch: (pid) => send(`+${pid}`),
    forget: (pid) => send(`-${pid}`),
    release: () => {
      if (released) return;
      released = true;
      stdin.end();
    },
    exited,
  };
}
