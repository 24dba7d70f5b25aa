// Synchronous cleanup tasks run when this process exits: normally, by an uncaught error, or by
// SIGINT/SIGTERM/SIGHUP. Signal listeners exist only while a task is registered, so a process
// that has stopped its control planes keeps Node's default signal behaviour.
type Task = () => void;

const tasks = new Set<Task>();
const SIGNALS: ReadonlyArray<[NodeJS.Signals, number]> = [
  ["SIGINT", 130],
  ["SIGTERM", 143],
  ["SIGHUP", 129],
];
const signalListeners = new Map<NodeJS.Signals, () => void>();

function runAll(): void {
  for (const task of [...tasks]) {
    tasks.delete(task);
    try {
      task();
    } catch {
      // best effort: keep running the others
    }
  }
}

function install(): void {
  if (signalListeners.size > 0) return;
  process.on("exit", runAll);
  for (const [sig, code] of SIGNALS) {
    const listener = () => {
      runAll();
      process.exit(code);
    };
    signalListeners.set(sig, listener);
    process.on(sig, listener);
  }
}

function uninstall(): void {
  process.off("exit", runAll);
  for (const [sig, listener] of signalListeners) process.off(sig, listener);
  signalListeners.clear();
}

/** Registers a task; the returned function unregisters it (without running it). */
export function onProcessExit(task: Task): () => void {
  install();
  tasks.add(task);
  return () => {
    tasks.delete(task);
    if (tasks.size === 0) uninstall();
  };
}
