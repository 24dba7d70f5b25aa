// The two pieces of undici the proxy uses at run time, loaded from undici's own modules instead of
// its index: the index loads every dispatcher, fetch, WebSocket, the cache and mock layers, which
// cost a proxy about 12 MiB of RSS (3.5 MiB of heap) it never uses. Types come from the public
// entry point; a test holds these to be the very classes the index exports.
import { createRequire } from "node:module";
import type { errors, Pool as UndiciPool } from "undici";

const require = createRequire(import.meta.url);

export const Pool: typeof UndiciPool = require("undici/lib/dispatcher/pool.js");
export type Pool = UndiciPool;

export const ConnectTimeoutError: typeof errors.ConnectTimeoutError = (
  require("undici/lib/core/errors.js") as typeof errors
).ConnectTimeoutError;
