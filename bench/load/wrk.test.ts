import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWrk, wrkScript } from "./wrk.ts";

const OUT = `Running 3s test @ http://127.0.0.1:1234/v1/chat/completions
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms  500.00us  12.00ms   90.00%
    Req/Sec    15.20k     1.00k   16.00k    80.00%
  Latency Distribution
     50%  850.00us
     75%    1.20ms
     90%    2.00ms
     99%    1.50s
  45600 requests in 3.00s, 20.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:  15200.50
Transfer/sec:      6.67MB
`;

test("parseWrk reads throughput, percentiles in any unit, and errors", () => {
  const r = parseWrk(OUT);
  assert.equal(r.requests, 45600);
  assert.equal(r.rps, 15200.5);
  assert.equal(r.okRps, (15200.5 * (45600 - 7)) / 45600);
  assert.equal(r.p50Ms, 0.85);
  assert.equal(r.p99Ms, 1500);
  assert.equal(r.errors, 12);
});

test("parseWrk refuses output without a summary", () => {
  assert.throws(() => parseWrk("unable to connect to 127.0.0.1:1 Connection refused"), /cannot parse/);
});

test("wrkScript quotes the body and headers for Lua", () => {
  const s = wrkScript('{"a":"x\\"y\\nz"}', { "x-portkey-config": '{"b":1}' });
  assert.match(s, /^wrk\.method = "POST"$/m);
  assert.ok(s.includes('wrk.body = "{\\"a\\":\\"x\\\\\\"y\\\\nz\\"}"'), s);
  assert.ok(s.includes('wrk.headers["content-type"] = "application/json"'));
  assert.ok(s.includes('wrk.headers["x-portkey-config"] = "{\\"b\\":1}"'));
});

test("wrkScript overrides wrk's own Host header instead of adding a second one", () => {
  const s = wrkScript("{}", { host: "r9.bench.test" });
  assert.ok(s.includes('wrk.headers["Host"] = "r9.bench.test"'), s);
  assert.ok(!s.includes('wrk.headers["host"]'), s);
});
