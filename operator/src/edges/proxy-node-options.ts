// Node's flags for every proxy process the project runs: provisioned pods (the container's command)
// and the bench's ai-gateway contender, so the bench measures what the chart runs. Both bound the
// heap's growth under load (measured with the bench: old space used, RSS, CPU µs per request):
// - a small young generation (4 MiB semi-spaces; 8 to 32 MiB were measured too, in
//   docs/benchmarks.md: up to 7 % more throughput and fewer full GCs at 1,000 req/s, but RSS over
//   the 150 MiB budget of a one-route proxy);
// - the old generation grows by 20 % past what survived the last full GC, not by V8's default of
//   up to 4× under a high allocation rate: a proxy with ~25 MiB live sat at ~190 MiB RSS after a
//   burst of load and kept it; with this it stays near 140 MiB, for about 2 % more CPU per request.
// The second flag is one Node refuses in NODE_OPTIONS, so the flags go on the command line.
export const PROXY_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=4", "--heap-growing-percent=20"];

/** The proxy container's command: the image's entrypoint (node operator/src/cli.ts) with the flags. */
export const PROXY_COMMAND: readonly string[] = ["node", ...PROXY_NODE_FLAGS, "operator/src/cli.ts"];
