// Durations, counts and rates of a full and a --quick run.
export type Settings = {
  quick: boolean;
  connections: number;
  warmupS: number;
  /** Interleaved rounds of the data-plane contenders. */
  rounds: number;
  wrkS: number;
  /** Fixed rate of the latency rounds, req/s. */
  rate: number;
  /** Before its first latency round each contender is run at the rate this long, unrecorded. */
  rateWarmupS: number;
  /** Latency rounds (interleaved, after the throughput rounds) and the length of each. */
  rateRounds: number;
  rateS: number;
  /** Unrecorded seconds at the rate before every later latency round (each has a fresh generator). */
  rateRoundWarmupS: number;
  streamN: number;
  streamChunks: number;
  interTokenMs: number;
  scaleSizes: number[];
  scaleVariants: Array<"paths" | "hosts" | "headers">;
  scaleS: number;
  profileS: number;
  cpRoutes: number;
  cpSecretRotations: number;
  cpBulkRoutes: number;
  cpBulkBackends: number;
};

export const FULL: Settings = {
  quick: false,
  connections: 32,
  warmupS: 2,
  rounds: 3,
  wrkS: 6,
  rate: 1000,
  rateWarmupS: 15,
  rateRounds: 5,
  rateS: 10,
  // as long as the first round's: with 5 s, every later round of every contender was worse,
  // direct and nginx included (the fresh generator had not settled; docs/benchmarks.md, Method)
  rateRoundWarmupS: 15,
  streamN: 50,
  streamChunks: 200,
  interTokenMs: 1,
  scaleSizes: [10, 1000, 5000],
  scaleVariants: ["paths", "hosts", "headers"],
  scaleS: 8,
  profileS: 15,
  cpRoutes: 200,
  cpSecretRotations: 20,
  cpBulkRoutes: 5000,
  cpBulkBackends: 1000,
};

export const QUICK: Settings = {
  ...FULL,
  quick: true,
  warmupS: 1,
  rounds: 2,
  wrkS: 3,
  rateWarmupS: 3,
  rateRounds: 2,
  rateS: 3,
  rateRoundWarmupS: 2,
  streamN: 10,
  scaleVariants: ["paths", "hosts"],
  scaleS: 2,
  profileS: 4,
  cpRoutes: 20,
  cpSecretRotations: 5,
  cpBulkRoutes: 500,
  cpBulkBackends: 100,
};
