// A README's curl command as a request the test can send with fetch. Only the options the READMEs
// use are understood; any other option fails loudly, so a README cannot drift into a command the
// test silently sends differently.

export interface CurlRequest {
  method: string;
  /** As written, scheme added: http://localhost:8080/v1/chat/completions */
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** -N / --no-buffer: the README streams the answer. */
  stream: boolean;
}

/** Single-letter flags without a value that may be combined (-sN, -sS). */
const BARE_FLAGS = new Set(["s", "S", "N", "i", "f", "L", "v"]);
const WITH_VALUE = new Set(["-X", "--request", "-H", "--header", "-d", "--data", "--data-raw", "-o", "-w"]);

function header(line: string, into: Record<string, string>): void {
  const colon = line.indexOf(":");
  if (colon <= 0) throw new Error(`curl header without a name: ${line}`);
  into[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
}

function applyOption(
  opt: string,
  value: string,
  req: { method?: string; body?: string; headers: Record<string, string> },
): void {
  if (opt === "-X" || opt === "--request") req.method = value;
  else if (opt === "-H" || opt === "--header") header(value, req.headers);
  else if (opt === "-d" || opt === "--data" || opt === "--data-raw") req.body = value;
  // -o and -w only change what curl prints.
}

/** words: a curl command's words (from shellCommands), "curl" first. */
export function parseCurl(words: readonly string[]): CurlRequest {
  if (words[0] !== "curl") throw new Error(`not a curl command: ${words.join(" ")}`);
  const unresolved = words.find((w) => w.includes("$"));
  if (unresolved !== undefined) throw new Error(`curl word with an unset variable: ${unresolved}`);
  const req: { method?: string; body?: string; headers: Record<string, string> } = { headers: {} };
  let url: string | undefined;
  let stream = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (WITH_VALUE.has(w)) {
      const value = words[++i];
      if (value === undefined) throw new Error(`curl ${w} without a value`);
      applyOption(w, value, req);
    } else if (w === "--no-buffer") {
      stream = true;
    } else if (/^-[A-Za-z]+$/.test(w) && [...w.slice(1)].every((f) => BARE_FLAGS.has(f))) {
      if (w.includes("N")) stream = true;
    } else if (w.startsWith("-")) {
      throw new Error(`curl option ${w} is not understood by the example tests`);
    } else if (url === undefined) {
      url = w;
    } else {
      throw new Error(`curl with two URLs: ${url} and ${w}`);
    }
  }
  if (url === undefined) throw new Error(`curl without a URL: ${words.join(" ")}`);
  return {
    method: req.method ?? (req.body === undefined ? "GET" : "POST"),
    url: new URL(/^https?:\/\//.test(url) ? url : `http://${url}`),
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
    stream,
  };
}

/**
 * Sends the request with fetch, the README's host:port replaced by a real one: `ports` maps the
 * README's port (8080 gateway, 9000 simulator, 15000 proxy admin) to the local port of this run.
 */
export function sendCurl(req: CurlRequest, ports: ReadonlyMap<number, number>): Promise<Response> {
  const port = ports.get(Number(req.url.port));
  if (port === undefined) throw new Error(`no local port for ${req.url.host} (README port ${req.url.port})`);
  const target = new URL(req.url);
  target.hostname = "127.0.0.1";
  target.port = String(port);
  return fetch(target, {
    method: req.method,
    headers: req.headers,
    ...(req.body !== undefined ? { body: req.body } : {}),
  });
}
