// Node's flags for every proxy process the project runs: provisioned pods (the container's command)
// and the bench's ai-gateway contender, so the bench measures what the chart runs. The first two
// bound the heap's growth under load (measured with the bench: old space used, RSS, CPU µs per
// request); the third keeps the hot path's optimized code across idle spells:
// - a small young generation (4 MiB semi-spaces; 8 to 32 MiB were measured too, in
//   docs/benchmarks.md: up to 7 % more throughput and fewer full GCs at 1,000 req/s, but RSS over
//   the 150 MiB budget of a one-route proxy);
// - the old generation grows by 20 % past what survived the last full GC, not by V8's default of
//   up to 4× under a high allocation rate: a proxy with ~25 MiB live sat at ~190 MiB RSS after a
//   burst of load and kept it; with this it stays near 140 MiB, for about 2 % more CPU per request.
// - no memory reducer: when traffic stops, V8 runs full GCs to shrink the heap, and those free the
//   object shapes that only the hot path's optimized code still points at; that code is thrown
//   away ("embedded weak objects cleared" in --log-deopt), and when traffic comes back V8
//   recompiles it on the proxy's own CPU, in 3-4 ms slices the event loop waits behind. Measured
//   with 100 s idle between two 1,000 req/s phases: p99 over the first 15 s back 2.4-3.8 ms with
//   the reducer, 1.6-1.8 ms without (docs/benchmarks.md). The heap it would have returned is
//   already bounded by the second flag.
// The second flag is one Node refuses in NODE_OPTIONS, so the flags go on the command line.
export const PROXY_NODE_FLAGS: readonly string[] = [
  "--max-semi-space-size=4",
  "--heap-growing-percent=20",
  "--no-memory-reducer",
];

/** The proxy container's command: the image's entrypoint (node operator/src/cli.ts) with the flags. */
export const PROXY_COMMAND: readonly string[] = ["node", ...PROXY_NODE_FLAGS, "operator/src/cli.ts"];
