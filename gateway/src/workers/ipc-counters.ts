// A worker's Local policy counters: every call goes to the primary's one LocalCounterStore over
// IPC, so N workers enforce one limit (not N times it) and the primary sees the whole consumption.
import type { CounterItem, CounterStore, ReserveResult } from "../policy/store.ts";
import type { CounterAnswer, CounterCall, FromWorker, ToWorker } from "./messages.ts";

/** A call the primary did not answer in this long fails (policies then fail open or closed). */
const CALL_TIMEOUT_MS = 5_000;

export class IpcCounterStore implements CounterStore {
  readonly kind = "local";
  readonly #send: (m: FromWorker) => void;
  readonly #pending = new Map<
    number,
    { resolve: (a: CounterAnswer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  #next = 1;

  constructor(send: (m: FromWorker) => void) {
    this.#send = send;
  }

  /** Feed the primary's answers here. */
  onMessage(m: ToWorker): void {
    if (m.t !== "counters-answer") return;
    const p = this.#pending.get(m.id);
    if (!p) return;
    this.#pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.error !== undefined) p.reject(new Error(m.error));
    else p.resolve(m.answer);
  }

  #call(call: CounterCall): Promise<CounterAnswer> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error("the primary did not answer a counter call"));
      }, CALL_TIMEOUT_MS);
      this.#pending.set(id, { resolve, reject, timer });
      try {
        this.#send({ t: "counters", id, call });
      } catch (err) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  async reserve(items: readonly CounterItem[]): Promise<ReserveResult> {
    return (await this.#call({ op: "reserve", items: [...items] })) as ReserveResult;
  }

  async adjust(items: readonly { key: string; delta: number; ttlMs: number }[]): Promise<void> {
    await this.#call({ op: "adjust", items: [...items] });
  }

  async read(keys: readonly string[]): Promise<number[]> {
    return (await this.#call({ op: "read", keys: [...keys] })) as number[];
  }

  ready(_timeoutMs: number): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const [id, p] of this.#pending) {
      clearTimeout(p.timer);
      p.reject(new Error("closed"));
      this.#pending.delete(id);
    }
    return Promise.resolve();
  }
}

/** The primary's side: run one call on its store. */
export async function serveCounterCall(store: CounterStore, call: CounterCall): Promise<CounterAnswer> {
  if (call.op === "reserve") return store.reserve(call.items);
  if (call.op === "adjust") {
    await store.adjust(call.items);
    return undefined;
  }
  return store.read(call.keys);
}
