// A bare reverse proxy, the reference a Node gateway is measured against: read the body, inject
// the Authorization header, forward with keep-alive, pipe the answer back (streams unbuffered).
// No routing, no checks, no metrics. `--client http` uses http.request + an Agent, `--client
// undici` uses undici's Pool.request. Usage:
//   node bench/bare/proxy-main.ts --client http|undici --port P --upstream http://host:port --key K
import http from "node:http";
import { parseArgs } from "node:util";
import { Pool } from "undici";

const { values } = parseArgs({
  options: {
    client: { type: "string" },
    port: { type: "string" },
    upstream: { type: "string" },
    key: { type: "string" },
  },
});
const upstream = new URL(values.upstream ?? "http://127.0.0.1:9000");
const auth = `Bearer ${values.key ?? ""}`;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function outHeaders(req: http.IncomingMessage, length: number): Record<string, string> {
  return {
    host: upstream.host,
    "content-type": req.headers["content-type"] ?? "application/json",
    "content-length": String(length),
    authorization: auth,
  };
}

let handler: http.RequestListener;
if (values.client === "undici") {
  const pool = new Pool(upstream.origin, { pipelining: 1 });
  handler = (req, res) => {
    readBody(req)
      .then((body) =>
        pool.request({
          method: (req.method ?? "POST") as "POST",
          path: req.url ?? "/",
          headers: outHeaders(req, body.length),
          body,
        }),
      )
      .then((up) => {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(up.headers)) {
          if (v !== undefined && k !== "connection" && k !== "keep-alive" && k !== "transfer-encoding")
            headers[k] = v;
        }
        res.writeHead(up.statusCode, headers);
        up.body.pipe(res);
      })
      .catch(() => {
        res.writeHead(502).end();
      });
  };
} else {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
  handler = (req, res) => {
    readBody(req).then((body) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: outHeaders(req, body.length),
          agent,
        },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      out.on("error", () => res.writeHead(502).end());
      out.end(body);
    });
  };
}

http
  .createServer({ noDelay: true, keepAliveTimeout: 65_000 }, handler)
  .listen(Number(values.port), "127.0.0.1");
