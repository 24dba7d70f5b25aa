// Every folder under examples/ is exercised twice:
//  1. offline, as its README says: the simulator and `ai-gateway standalone` started with the
//     README's own flags on a temp copy of the folder, the README's curl commands sent (parsed from
//     the README, so the docs cannot drift from what is tested), and what the client got and what
//     the provider saw asserted. Providers with an explicit `host` (which wins over
//     --provider-override) are pointed at the simulator in the temp copy: redirect-hosts.ts.
//  2. on a real API server with the real kubectl: `kubectl apply --validate=strict -f
//     examples/<name>` must be admitted by our CRDs' server-side validation, unchanged.
import assert from "node:assert/strict";
import { readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { parseAllDocuments } from "yaml";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { metricSum } from "../proxy/harness.ts";
import type { RecordedRequest } from "../simulator/index.ts";
import type { CurlRequest } from "./curl.ts";
import { EXAMPLES_DIR, type ExampleWorld, startExample } from "./example-world.ts";

/** Every example folder and the Gateway ("<namespace>/<name>") it defines. */
const EXAMPLES: Record<string, string> = {
  quickstart: "agentgateway-system/llm-gateway",
  secretref: "example-secretref/ai-gateway",
  inline: "example-inline/ai-gateway",
  passthrough: "example-passthrough/ai-gateway",
  "azure-openai": "example-azure-openai/ai-gateway",
  gemini: "example-gemini/ai-gateway",
  "httproute-rewrite": "example-httproute-rewrite/ai-gateway",
  anthropic: "example-anthropic/ai-gateway",
  "client-keys": "example-client-keys/ai-gateway",
  failover: "example-failover/ai-gateway",
  "kill-switch": "example-kill-switch/llm-gateway",
  "key-rotation": "example-key-rotation/llm-gateway",
  budgets: "example-budgets/llm-gateway",
};

const AUTH_ERROR = {
  error: { message: "Invalid authentication", type: "authentication_error", code: "authentication_error" },
};
const PROVIDER_AUTH_ERROR = {
  error: {
    message: "Authentication with the provider failed",
    type: "provider_error",
    code: "provider_error",
  },
};
const NOT_FOUND = {
  error: { message: "No route matches this request", type: "not_found_error", code: "route_not_found" },
};

function curl(world: ExampleWorld, i: number, count: number): CurlRequest {
  assert.equal(world.curls.length, count, `examples/${world.name}/README.md shows ${count} curl commands`);
  return world.curls[i] as CurlRequest;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

function last(world: ExampleWorld): RecordedRequest {
  const r = world.sim.lastRequest();
  assert.ok(r, "the provider got a request");
  return r;
}

/** Body of a recorded request as an object. */
function bodyOf(r: RecordedRequest): Record<string, unknown> {
  assert.equal(typeof r.body, "object");
  return r.body as Record<string, unknown>;
}

function assertAbsent(haystack: string, needles: readonly string[], where: string): void {
  for (const n of needles) assert.equal(haystack.includes(n), false, `${where} must not contain a key`);
}

/** Starts one example before its tests and always stops it after. */
function withExample(name: string, opts: { redirectHosts?: boolean } = {}): { world: () => ExampleWorld } {
  let w: ExampleWorld | undefined;
  before(async () => {
    w = await startExample(name, EXAMPLES[name] as string, opts);
  });
  after(async () => {
    await w?.close();
  });
  return {
    world: () => {
      assert.ok(w, `example ${name} started`);
      return w;
    },
  };
}

describe("examples: every folder is documented and tested", () => {
  it("has one entry here per folder, each with a README and manifests, all listed in the index", async () => {
    const folders = (await readdir(EXAMPLES_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
    assert.deepEqual(folders, Object.keys(EXAMPLES).sort());
    const index = await readFile(join(EXAMPLES_DIR, "README.md"), "utf8");
    for (const name of folders) {
      assert.ok((await stat(join(EXAMPLES_DIR, name, "README.md"))).isFile(), `${name}/README.md`);
      const files = (await readdir(join(EXAMPLES_DIR, name))).filter((f) => /\.ya?ml$/.test(f));
      assert.ok(files.length > 0, `${name} has manifests`);
      assert.ok(index.includes(`(./${name}/)`), `examples/README.md links ${name}`);
    }
  });
});

describe("example quickstart (standalone)", () => {
  const { world } = withExample("quickstart");

  it("answers a keyless client with the Secret's key injected", async () => {
    const w = world();
    const res = await w.send(curl(w, 0, 1));
    assert.equal(res.status, 200);
    assert.equal((await json(res)).object, "chat.completion");
    const seen = last(w);
    assert.equal(seen.path, "/v1/chat/completions");
    assert.equal(seen.headers.authorization, "Bearer sk-quickstart-demo-key");
  });
});

describe("example secretref (standalone)", () => {
  const { world } = withExample("secretref");
  const KEY = "sk-example-secretref-placeholder";

  it("injects the Secret's key for a keyless client", async () => {
    const w = world();
    const res = await w.send(curl(w, 0, 2));
    assert.equal(res.status, 200);
    const answer = await json(res);
    assert.equal(answer.object, "chat.completion");
    assert.equal(answer.model, "gpt-4o-mini");
    const seen = last(w);
    assert.equal(seen.method, "POST");
    assert.equal(seen.path, "/v1/chat/completions");
    assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
    assert.equal(bodyOf(seen).model, "gpt-4o-mini");
  });

  it("replaces a key the client sent; the client's key never reaches the provider", async () => {
    const w = world();
    const req = curl(w, 1, 2);
    assert.equal(req.headers.authorization, "Bearer sk-a-key-the-app-should-not-have");
    const res = await w.send(req);
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const seen = last(w);
    assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
    assertAbsent(JSON.stringify(seen.headers), ["sk-a-key-the-app-should-not-have"], "the upstream headers");
  });

  it("fails closed without the Secret: 500 no_backend, nothing sent to the provider", async () => {
    const w = world();
    const file = join(w.dir, "10-secret.yaml");
    await w.edit(() => rename(file, `${file}.off`));
    const before = w.sim.requests.length;
    const res = await w.send(curl(w, 0, 2));
    assert.equal(res.status, 500);
    assert.equal(((await json(res)).error as { code: string }).code, "no_backend");
    assert.equal(w.sim.requests.length, before);
    await w.edit(() => rename(`${file}.off`, file));
    const back = await w.send(curl(w, 0, 2));
    assert.equal(back.status, 200);
    await back.body?.cancel();
  });

  it("never logs the key", () => {
    assertAbsent(world().logs(), [KEY], "the gateway logs");
  });
});

describe("example inline (standalone)", () => {
  const { world } = withExample("inline");
  const KEY = "sk-example-inline-placeholder";

  it("injects the inline key", async () => {
    const w = world();
    const res = await w.send(curl(w, 0, 1));
    assert.equal(res.status, 200);
    assert.equal((await json(res)).object, "chat.completion");
    assert.equal(last(w).headers.authorization, `Bearer ${KEY}`);
  });

  it("keeps the key out of /config_dump and the logs", async () => {
    const w = world();
    const dump = await (await fetch(`http://127.0.0.1:${w.adminPort}/config_dump`)).text();
    assert.match(dump, /example-inline\/openai/, "the dump shows the backend");
    assertAbsent(dump, [KEY], "/config_dump");
    assertAbsent(w.logs(), [KEY], "the gateway logs");
  });
});

describe("example budgets (standalone)", () => {
  const { world } = withExample("budgets");

  it("serves a request that fits the key's daily budget, with x-ratelimit headers", async () => {
    const w = world();
    const req = curl(w, 0, 2);
    assert.equal(req.headers.authorization, "Bearer gw-budgets-demo-7d3f9a2c41b8e605");
    const res = await w.send(req);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("x-ratelimit-limit-requests"), "60");
    assert.equal((await json(res)).object, "chat.completion");
    assert.equal(last(w).headers.authorization, "Bearer sk-budgets-demo-key");
  });

  it("refuses the README's 2,000-token request at once: 429 insufficient_quota, provider untouched", async () => {
    const w = world();
    const before = w.sim.requests.length;
    const res = await w.send(curl(w, 1, 2));
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("x-should-retry"), "false");
    const body = (await json(res)) as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.code, "insufficient_quota");
    assert.equal(body.error.type, "insufficient_quota");
    assert.match(body.error.message, /example-budgets\/daily-budget\/budget\/0/);
    assert.equal(w.sim.requests.length, before, "nothing reached the provider");
  });
});

describe("example passthrough (standalone)", () => {
  const { world } = withExample("passthrough");

  it("forwards the client's own key unchanged", async () => {
    const w = world();
    const req = curl(w, 0, 2);
    assert.equal(
      req.headers.authorization,
      "Bearer sk-my-own-key",
      "the README's $OPENAI_API_KEY is expanded",
    );
    const res = await w.send(req);
    assert.equal(res.status, 200);
    assert.equal((await json(res)).object, "chat.completion");
    const seen = last(w);
    assert.equal(seen.headers.authorization, "Bearer sk-my-own-key");
    assert.equal(seen.path, "/v1/chat/completions");
  });

  it("without a client key the provider refuses: provider_error with the upstream 401", async () => {
    const w = world();
    const res = await w.send(curl(w, 1, 2));
    assert.equal(res.status, 401);
    assert.deepEqual(await json(res), PROVIDER_AUTH_ERROR);
    assert.equal(last(w).headers.authorization, undefined, "no credential was invented");
  });
});

describe("example azure-openai (standalone)", () => {
  const { world } = withExample("azure-openai", { redirectHosts: true });
  const KEY = "azure-example-placeholder-key";

  it("redirects only the backend with its own host to the simulator", () => {
    assert.deepEqual(
      world().redirects.map((r) => [r.backend, r.provider, r.from]),
      [["azure-openai-apim", "spec.ai.provider", "aoai-gateway.example.internal"]],
    );
  });

  it("sends /azure-openai to the deployment with api-version and the api-key header", async () => {
    const w = world();
    const res = await w.send(curl(w, 0, 2));
    assert.equal(res.status, 200);
    const answer = await json(res);
    assert.equal(answer.model, "gpt-4o-mini", "the deployment answers");
    const seen = last(w);
    assert.equal(seen.path, "/openai/deployments/gpt-4o-mini/chat/completions");
    assert.deepEqual(seen.query, { "api-version": "2024-10-21" });
    assert.equal(seen.headers["api-key"], KEY);
    assert.equal(seen.headers.authorization, undefined);
  });

  it("honours host, path and header overrides on /azure-openai-apim", async () => {
    const w = world();
    const res = await w.send(curl(w, 1, 2));
    assert.equal(res.status, 200);
    assert.equal((await json(res)).model, "chat-prod");
    const seen = last(w);
    assert.equal(seen.path, "/openai/deployments/chat-prod/chat/completions");
    assert.deepEqual(seen.query, { "api-version": "2024-10-21" });
    assert.equal(seen.headers["api-key"], KEY);
    assert.equal(seen.headers.authorization, undefined);
  });

  it("sends a client path ending in /embeddings to the deployment's embeddings", async () => {
    const w = world();
    const res = await fetch(`http://127.0.0.1:${w.gatewayPort}/azure-openai/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ input: "hello" }),
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(last(w).path, "/openai/deployments/gpt-4o-mini/embeddings");
  });
});

describe("example gemini (standalone)", () => {
  const { world } = withExample("gemini");
  const KEY = "AIza-example-placeholder-key";

  it("sends /gemini to /v1beta/models/gemini-2.0-flash:generateContent with x-goog-api-key", async () => {
    const w = world();
    const res = await w.send(curl(w, 0, 2));
    assert.equal(res.status, 200);
    const answer = await json(res);
    assert.ok(Array.isArray(answer.candidates) && answer.candidates.length > 0);
    assert.equal(answer.modelVersion, "gemini-2.0-flash");
    assert.ok(answer.usageMetadata);
    const seen = last(w);
    assert.equal(seen.path, "/v1beta/models/gemini-2.0-flash:generateContent");
    assert.equal(seen.headers["x-goog-api-key"], KEY);
  });

  it("streams with ?alt=sse through :streamGenerateContent", async () => {
    const w = world();
    const req = curl(w, 1, 2);
    assert.equal(req.stream, true);
    const res = await w.send(req);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const text = await res.text();
    assert.match(text, /^data: /m);
    assert.match(text, /"finishReason":"STOP"/);
    const seen = last(w);
    assert.equal(seen.path, "/v1beta/models/gemini-2.0-flash:streamGenerateContent");
    assert.equal(seen.query.alt, "sse");
  });

  it("removes a key the client passed in the query or a header", async () => {
    const w = world();
    const res = await fetch(`http://127.0.0.1:${w.gatewayPort}/gemini?key=client-query-key`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "client-header-key" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hi" }] }] }),
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const seen = last(w);
    assert.equal(seen.query.key, undefined);
    assert.equal(seen.headers["x-goog-api-key"], KEY);
  });
});

describe("example httproute-rewrite (standalone)", () => {
  const { world } = withExample("httproute-rewrite");

  it("rewrites /openai to /v1/chat/completions and injects the key", async () => {
    const w = world();
    const res = await w.send(curl(w, 0, 2));
    assert.equal(res.status, 200);
    assert.equal((await json(res)).object, "chat.completion");
    const seen = last(w);
    assert.equal(seen.path, "/v1/chat/completions");
    assert.equal(seen.headers.authorization, "Bearer sk-example-rewrite-placeholder");
    assert.equal(bodyOf(seen).model, "gpt-4o-mini");
  });

  it("refuses a path the route does not match with route_not_found", async () => {
    const w = world();
    const before = w.sim.requests.length;
    const res = await w.send(curl(w, 1, 2));
    assert.equal(res.status, 404);
    assert.deepEqual(await json(res), NOT_FOUND);
    assert.equal(w.sim.requests.length, before);
  });
});

describe("example anthropic (standalone)", () => {
  const { world } = withExample("anthropic");
  const KEY = "sk-ant-example-placeholder";

  it("answers the README's curl with x-api-key and anthropic-version added", async () => {
    const w = world();
    const res = await w.send(curl(w, 0, 1));
    assert.equal(res.status, 200);
    const answer = await json(res);
    assert.equal(answer.type, "message");
    const usage = answer.usage as { input_tokens: number; output_tokens: number };
    assert.ok(usage.input_tokens > 0 && usage.output_tokens > 0);
    const seen = last(w);
    assert.equal(seen.path, "/v1/messages");
    assert.equal(seen.headers["x-api-key"], KEY);
    assert.equal(seen.headers["anthropic-version"], "2023-06-01");
  });

  it("works with the official SDK (any apiKey; the gateway drops it) and meters the stream", async () => {
    const w = world();
    const client = new Anthropic({
      baseURL: `http://127.0.0.1:${w.gatewayPort}`,
      apiKey: "unused",
      maxRetries: 0,
    });
    const msg = await client.messages.create({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      messages: [{ role: "user", content: "Say hello" }],
    });
    assert.equal(msg.content[0]?.type, "text");
    const stream = client.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 256,
      messages: [{ role: "user", content: "Say hello" }],
    });
    const final = await stream.finalMessage();
    assert.ok(final.usage.output_tokens > 0);
    const seen = last(w);
    assert.equal(seen.headers["x-api-key"], KEY);
    assertAbsent(JSON.stringify(seen.headers), ["unused"], "the upstream headers");
    const metrics = await w.metrics();
    const output = { gen_ai_provider_name: "anthropic", gen_ai_token_type: "output" };
    assert.ok(metricSum(metrics, "gen_ai_client_token_usage_sum", output) > 0, "output tokens are metered");
  });
});

describe("example client-keys (standalone)", () => {
  const { world } = withExample("client-keys");
  const PROVIDER_KEY = "sk-example-client-keys-provider-placeholder";
  const TEAM_A = "gw-team-a-4f1c2d9e8b7a6f5e4d3c2b1a";
  const TEAM_B = "gw-team-b-9a8b7c6d5e4f3a2b1c0d9e8f";

  const chatWith = (w: ExampleWorld, key: string) =>
    new OpenAI({
      baseURL: `http://127.0.0.1:${w.gatewayPort}/v1`,
      apiKey: key,
      maxRetries: 0,
    }).chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });

  it("refuses a request without a key, or with a non-Bearer one: 401 authentication_error", async () => {
    const w = world();
    for (const i of [0, 1]) {
      const res = await w.send(curl(w, i, 4));
      assert.equal(res.status, 401);
      assert.deepEqual(await json(res), AUTH_ERROR);
    }
    assert.equal(w.sim.requests.length, 0, "nothing reached the provider");
  });

  it("admits team A's key and sends the provider key, never the gateway key", async () => {
    const w = world();
    const req = curl(w, 2, 4);
    assert.equal(req.headers.authorization, `Bearer ${TEAM_A}`);
    const res = await w.send(req);
    assert.equal(res.status, 200);
    assert.equal((await json(res)).object, "chat.completion");
    const seen = last(w);
    assert.equal(seen.headers.authorization, `Bearer ${PROVIDER_KEY}`);
    assertAbsent(JSON.stringify(seen), [TEAM_A], "the upstream request");
  });

  it("keeps /health open", async () => {
    const w = world();
    const req = curl(w, 3, 4);
    assert.equal(req.url.pathname, "/health");
    const res = await w.send(req);
    assert.equal(res.status, 200);
    await res.body?.cancel();
  });

  it("works with the OpenAI SDK, the gateway key as apiKey; an unknown key is refused", async () => {
    const w = world();
    const answer = await chatWith(w, TEAM_B);
    assert.equal(answer.object, "chat.completion");
    await assert.rejects(chatWith(w, "gw-not-a-key-of-ours"), (err: unknown) => {
      assert.ok(err instanceof OpenAI.APIError);
      assert.equal(err.status, 401);
      return true;
    });
  });

  it("locks a client out when its entry leaves the Secret, without a restart", async () => {
    const w = world();
    const file = join(w.dir, "10-secret.yaml");
    const text = await readFile(file, "utf8");
    await w.edit(() => writeFile(file, text.replace(/^ {2}team-a: .*\n/m, "")));
    await assert.rejects(
      chatWith(w, TEAM_A),
      (err: unknown) => err instanceof OpenAI.APIError && err.status === 401,
    );
    assert.equal((await chatWith(w, TEAM_B)).object, "chat.completion");
    await w.edit(() => writeFile(file, text));
    assert.equal((await chatWith(w, TEAM_A)).object, "chat.completion");
  });

  it("never logs a gateway key or the provider key", () => {
    assertAbsent(world().logs(), [TEAM_A, TEAM_B, PROVIDER_KEY], "the gateway logs");
  });
});

describe("example failover (standalone)", () => {
  const { world } = withExample("failover");

  it("answers from the primary, and from the secondary when the primary fails", async () => {
    const w = world();
    const first = await w.send(curl(w, 0, 4));
    assert.equal(first.status, 200);
    assert.equal((await json(first)).model, "gpt-4o");

    const fault = await w.send(curl(w, 1, 4));
    assert.equal(fault.status, 200, "the simulator armed the fault");
    await fault.body?.cancel();

    const seenBefore = w.sim.requests.length;
    const again = await w.send(curl(w, 2, 4));
    assert.equal(again.status, 200, "the client never sees the primary's failure");
    assert.equal((await json(again)).model, "gpt-4o-mini");
    const tries = w.sim.requests.slice(seenBefore);
    assert.deepEqual(
      tries.map((r) => bodyOf(r).model),
      ["gpt-4o", "gpt-4o-mini"],
      "primary first, then the secondary",
    );
    for (const r of tries) assert.equal(r.headers.authorization, "Bearer sk-example-failover-placeholder");

    const metrics = await w.send(curl(w, 3, 4));
    assert.equal(metrics.status, 200);
    const labels = { backend: "example-failover/openai", provider: "primary", reason: "provider_error" };
    assert.equal(metricSum(await metrics.text(), "ai_gateway_upstream_errors_total", labels), 1);
  });
});

describe("example kill-switch (standalone)", () => {
  const { world } = withExample("kill-switch");

  it("refuses the route's requests once it is removed, cuts its stream, and restores it", async () => {
    const w = world();
    const ok = await w.send(curl(w, 0, 4));
    assert.equal(ok.status, 200);
    await ok.body?.cancel();

    const streamReq = curl(w, 1, 4);
    assert.equal(streamReq.stream, true);
    const stream = await w.send(streamReq);
    assert.equal(stream.status, 200);
    const reader = stream.body?.getReader();
    assert.ok(reader);
    const decoder = new TextDecoder();
    let streamed = decoder.decode((await reader.read()).value, { stream: true });
    const ended = (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        streamed += decoder.decode(value, { stream: true });
      }
    })();

    const file = join(w.dir, "40-route.yaml");
    await w.edit(() => rename(file, `${file}.off`));
    const before = w.sim.requests.length;
    const refused = await w.send(curl(w, 2, 4));
    assert.equal(refused.status, 404);
    assert.deepEqual(await json(refused), NOT_FOUND);
    assert.equal(w.sim.requests.length, before, "the refused request never reached the provider");

    await ended;
    assert.match(streamed, /"code":"route_killed"/, "the open stream ends with a route_killed error");
    assert.ok(!streamed.includes("data: [DONE]"), "the cut stream does not look complete");

    await w.edit(() => rename(`${file}.off`, file));
    const restored = await w.send(curl(w, 3, 4));
    assert.equal(restored.status, 200);
    assert.equal((await json(restored)).object, "chat.completion");

    const metrics = await w.metrics();
    assert.equal(metricSum(metrics, "ai_gateway_killed_requests_total"), 1);
    assert.ok(metricSum(metrics, "ai_gateway_requests_total", { reason: "route_not_found" }) >= 1);
  });
});

describe("example key-rotation (standalone)", () => {
  const { world } = withExample("key-rotation");
  const FIRST = "sk-example-key-rotation-first-key";
  const SECOND = "sk-example-key-rotation-second-key";

  it("surfaces the provider's refusal of the old key, then uses the new key on the next request", async () => {
    const w = world();
    const first = await w.send(curl(w, 0, 4));
    assert.equal(first.status, 200);
    await first.body?.cancel();
    assert.equal(last(w).headers.authorization, `Bearer ${FIRST}`);

    const revoke = await w.send(curl(w, 1, 4));
    assert.equal(revoke.status, 200, "the simulator now accepts only the second key");
    await revoke.body?.cancel();

    const refused = await w.send(curl(w, 2, 4));
    assert.equal(refused.status, 401);
    const body = await refused.text();
    assert.deepEqual(JSON.parse(body), PROVIDER_AUTH_ERROR);
    assertAbsent(body, [FIRST, SECOND], "the error body");

    const file = join(w.dir, "10-secret.yaml");
    const text = await readFile(file, "utf8");
    await w.edit(() => writeFile(file, text.replace(FIRST, SECOND)));
    const after = await w.send(curl(w, 3, 4));
    assert.equal(after.status, 200);
    assert.equal((await json(after)).object, "chat.completion");
    assert.equal(last(w).headers.authorization, `Bearer ${SECOND}`);
  });

  it("keeps both keys out of the logs and /config_dump", async () => {
    const w = world();
    const dump = await (await fetch(`http://127.0.0.1:${w.adminPort}/config_dump`)).text();
    assertAbsent(`${w.logs()}\n${dump}`, [FIRST, SECOND], "logs and /config_dump");
  });
});

/** Objects of a folder's manifests: [kind, namespace, name, spec]. */
async function manifestObjects(name: string): Promise<[string, string, string, unknown][]> {
  const out: [string, string, string, unknown][] = [];
  const dir = join(EXAMPLES_DIR, name);
  for (const file of (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    for (const doc of parseAllDocuments(await readFile(join(dir, file), "utf8"))) {
      const o = doc.toJS() as {
        kind: string;
        metadata: { name: string; namespace?: string };
        spec?: unknown;
      };
      out.push([o.kind, o.metadata.namespace ?? "", o.metadata.name, o.spec]);
    }
  }
  return out;
}

describe("examples on a real API server (kubectl apply --validate=strict)", { timeout: 300_000 }, () => {
  let cp: ControlPlane | undefined;
  before(async () => {
    cp = await startControlPlane();
  });
  after(async () => {
    await cp?.stop();
  });

  for (const name of Object.keys(EXAMPLES)) {
    it(`admits examples/${name} unchanged`, async () => {
      assert.ok(cp);
      const dir = join(EXAMPLES_DIR, name);
      const applied = await cp.kubectl(["apply", "--validate=strict", "-f", dir]);
      assert.equal(applied.code, 0, applied.stderr);
      assert.doesNotMatch(applied.stderr, /warning/i, "no field was dropped or unknown");
      const got = await cp.kubectl(["get", "-f", dir, "-o", "json"]);
      assert.equal(got.code, 0, got.stderr);
      const items = (JSON.parse(got.stdout) as { items: { kind: string; spec?: unknown }[] }).items;
      const expected = await manifestObjects(name);
      assert.deepEqual(
        items.map((i) => i.kind),
        expected.map(([kind]) => kind),
      );
      // Our kinds have no server-side defaults: what the server stored is exactly what was written.
      expected.forEach(([kind, , objName, spec], i) => {
        if (kind !== "AgentgatewayBackend" && kind !== "AIRoute") return;
        assert.deepEqual(items[i]?.spec, spec, `${kind} ${objName} is stored as written`);
      });
    });
  }

  it("refuses a manifest that drifted from the CRD (the check above has teeth)", async () => {
    assert.ok(cp);
    const drifted = `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: drifted
  namespace: example-secretref
spec:
  ai:
    provider:
      openai:
        model: gpt-4o-mini
        temperature: 0.2
`;
    const r = await cp.kubectl(["apply", "--validate=strict", "-f", "-"], { input: drifted });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /unknown field "spec\.ai\.provider\.openai\.temperature"/);
  });
});
