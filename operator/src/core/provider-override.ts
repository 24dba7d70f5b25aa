// settings.providerOverride (DEV ONLY): a base URL such as http://127.0.0.1:9000 that replaces the
// default endpoint of every provider without its own `host`.
import { type Problem, Reason } from "./reasons.ts";

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

/** undefined when unset; a Problem (every affected backend fails closed) when not a base URL. */
export function parseProviderOverride(value: string | undefined): Endpoint | Problem | undefined {
  if (value === undefined || value === "") return undefined;
  const url = URL.parse(value);
  const bad: Problem = {
    reason: Reason.InvalidConfig,
    message: "settings.providerOverride is not an http(s) base URL without path, query or credentials",
  };
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) return bad;
  if (
    (url.pathname !== "/" && url.pathname !== "") ||
    url.search !== "" ||
    url.username !== "" ||
    url.password !== ""
  )
    return bad;
  const tls = url.protocol === "https:";
  const port = url.port === "" ? (tls ? 443 : 80) : Number(url.port);
  return { host: url.hostname, port, tls };
}
