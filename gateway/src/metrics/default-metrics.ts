// prom-client's default process metrics, sampled so that an idle process stays idle.
//
// nodejs_eventloop_lag_* comes from a libuv timer that fires every `eventLoopMonitoringPrecision`
// ms. prom-client's default of 10 ms wakes an idle proxy 100 times a second: measured with
// Node 24 on one CPU, 0.58 % of a core with nothing to do (0.08 % at 100 ms, 0.00 % without the
// monitor). Every proxy pod and the operator pay it around the clock, so the lag histogram is
// sampled every 100 ms instead: 10 samples a second still show a stalled loop within a scrape.
export const EVENT_LOOP_SAMPLE_MS = 100;
