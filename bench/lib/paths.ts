// Where the bench finds things: the repo, the peer cache (scripts/bench-deps.sh installs there),
// and the Node 24 binary running us (used for every Node child: proxy, operator, Portkey).
import { homedir } from "node:os";
import { join, resolve } from "node:path";

export const REPO = resolve(import.meta.dirname, "..", "..");
export const CACHE = process.env.AI_GATEWAY_CACHE ?? join(homedir(), ".cache", "ai-gateway");
export const BENCH_CACHE = join(CACHE, "bench");
export const NODE = process.execPath;
export const PORTKEY_ENTRY = join(BENCH_CACHE, "npm/node_modules/@portkey-ai/gateway/build/start-server.js");
export const LITELLM_BIN = join(BENCH_CACHE, "litellm-venv/bin/litellm");
export const RESULTS_DIR = join(REPO, "bench", "results");
