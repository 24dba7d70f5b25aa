// The LLM provider simulator: OpenAI, Azure OpenAI, Anthropic, Gemini and Vertex AI endpoints with
// deterministic answers and usage, latency, injected faults, an optional key check and a record of
// every request. `startSimulator()` in-process, or `node e2e/simulator/main.ts` as a process
// (driven through the /_sim/ control API).
import type { AddressInfo } from "node:net";
import type { Controls } from "./control.ts";
import { createFaultBook } from "./faults.ts";
import { createRecorder } from "./recorder.ts";
import {
  ChunksSchema,
  FaultOptionsSchema,
  FaultSchema,
  LatencySchema,
  SimulatorOptionsSchema,
} from "./schemas.ts";
import { createSimServer } from "./server.ts";
import { applyLatency, createState, toKeySet } from "./state.ts";
import type { Simulator, SimulatorOptions } from "./types.ts";

export { estimateInputTokens, simulatedReplyText } from "./content.ts";
export { DEFAULT_EMBEDDING_DIMENSIONS } from "./openai-embeddings.ts";
export { DEFAULT_MAX_RECORDED } from "./recorder.ts";
export { DEFAULT_CHUNKS } from "./state.ts";
export type { Fault, FaultOptions, Latency, RecordedRequest, Simulator, SimulatorOptions } from "./types.ts";

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const o = SimulatorOptionsSchema.parse(opts);
  const state = createState(o);
  const recorder = createRecorder(o.maxRecorded);
  const faults = createFaultBook();
  const controls: Controls = {
    requests: () => recorder.requests,
    settings: () => ({
      ttftMs: state.ttftMs,
      interTokenMs: state.interTokenMs,
      chunks: state.chunks,
      keyCheck: state.requiredKeys !== undefined,
      armedFaults: faults.size(),
    }),
    reset() {
      recorder.clear();
      faults.clear();
    },
    injectFault: (fault, faultOpts) =>
      faults.inject(FaultSchema.parse(fault), FaultOptionsSchema.parse(faultOpts)),
    setLatency: (l) => applyLatency(state, LatencySchema.parse(l)),
    setRequiredKey(k) {
      state.requiredKeys = toKeySet(k);
    },
    setChunks(n) {
      state.chunks = ChunksSchema.parse(n);
    },
  };
  const sim = createSimServer({ state, recorder, faults, controls, ...(o.tls ? { tls: o.tls } : {}) });
  const host = o.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    sim.server.once("error", reject);
    sim.server.listen(o.port ?? 0, host, () => {
      sim.server.off("error", reject);
      resolve();
    });
  });
  const port = (sim.server.address() as AddressInfo).port;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  return {
    url: `${o.tls ? "https" : "http"}://${hostInUrl}:${port}`,
    port,
    requests: recorder.requests,
    lastRequest: () => recorder.last(),
    reset: controls.reset,
    injectFault: (fault, faultOpts = {}) => controls.injectFault(fault, faultOpts),
    setLatency: controls.setLatency,
    setRequiredKey: controls.setRequiredKey,
    setChunks: controls.setChunks,
    gcpTokensIssued: () => state.gcp.issued(),
    entraTokensIssued: () => state.entra.issued(),
    revokeEntraTokens: () => state.entra.revokeAll(),
    revokeGcpTokens: () => state.gcp.revokeAll(),
    close: sim.close,
  };
}
