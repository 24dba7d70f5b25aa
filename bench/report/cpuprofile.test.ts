import assert from "node:assert/strict";
import { test } from "node:test";
import { moduleOf, summarizeProfile } from "./cpuprofile.ts";

const frame = (functionName: string, url: string, lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
  columnNumber: 0,
});

test("summarizeProfile attributes self time to functions and modules", () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", "") },
      { id: 2, callFrame: frame("handle", "file:///repo/gateway/src/server.ts", 9) },
      { id: 3, callFrame: frame("parse", "file:///repo/node_modules/zod/v4/core/parse.js", 99) },
      { id: 4, callFrame: frame("(garbage collector)", "") },
      { id: 5, callFrame: frame("write", "node:net", 4) },
    ],
    samples: [2, 3, 3, 3, 4, 5, 2, 3],
    timeDeltas: [100, 100, 100, 100, 100, 100, 100, 100],
  };
  const s = summarizeProfile(profile, "/repo");
  assert.equal(s.totalMs, 0.8);
  assert.deepEqual(
    s.functions.map((f) => [f.name, f.where, f.pct]),
    [
      ["parse", "npm:zod:100", 50],
      ["handle", "gateway/src/server.ts:10", 25],
      ["(garbage collector)", "(native / V8)", 12.5],
      ["write", "node:net:5", 12.5],
    ],
  );
  assert.deepEqual(
    s.modules.map((m) => [m.name, m.pct]),
    [
      ["npm:zod", 50],
      ["gateway/src/server.ts", 25],
      ["(garbage collector)", 12.5],
      ["node:net", 12.5],
    ],
  );
});

test("ownInclusive charges a repository function with the time of everything it calls", () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", ""), children: [2] },
      { id: 2, callFrame: frame("handle", "file:///repo/gateway/src/handler.ts", 4), children: [3, 4] },
      { id: 3, callFrame: frame("parse", "file:///repo/node_modules/zod/index.js"), children: [] },
      { id: 4, callFrame: frame("meter", "file:///repo/gateway/src/metering.ts", 1), children: [] },
    ],
    samples: [2, 3, 3, 4],
    timeDeltas: [100, 100, 100, 100],
  };
  const s = summarizeProfile(profile, "/repo");
  assert.deepEqual(
    s.ownInclusive.map((f) => [f.name, f.where, f.pct]),
    [
      ["handle", "gateway/src/handler.ts:5", 100],
      ["meter", "gateway/src/metering.ts:2", 25],
    ],
  );
});

test("moduleOf names scoped packages and repo files", () => {
  assert.equal(
    moduleOf("file:///r/node_modules/@kubernetes/client-node/dist/x.js", "/r"),
    "npm:@kubernetes/client-node",
  );
  assert.equal(moduleOf("file:///r/operator/src/cli.ts", "/r"), "operator/src/cli.ts");
  assert.equal(moduleOf("node:internal/http", "/r"), "node:internal/http");
  assert.equal(moduleOf("", "/r"), "(native / V8)");
});

test("summarizeProfile leaves out the bench's own profiler hook", () => {
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)", ""), children: [2, 3] },
      { id: 2, callFrame: frame("handle", "file:///repo/gateway/src/server.ts"), children: [] },
      {
        id: 3,
        callFrame: frame("(anonymous)", "file:///repo/bench/aigateway/cpu-profile-preload.ts"),
        children: [4],
      },
      { id: 4, callFrame: frame("post", "node:inspector"), children: [] },
    ],
    samples: [2, 4, 4, 3],
    timeDeltas: [100, 100, 100, 100],
  };
  const s = summarizeProfile(profile, "/repo");
  assert.equal(s.totalMs, 0.1);
  assert.deepEqual(
    s.functions.map((f) => f.name),
    ["handle"],
  );
});
