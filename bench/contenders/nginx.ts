// nginx in two roles: the fast mock upstream (`return 200` with a fixed chat completion), and the
// nginx peer (`proxy_pass` with an injected Authorization header, keep-alive to the upstream,
// no response buffering so streams pass through). One process (master_process off), its own
// prefix dir, no access log.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHAT_PATH, MOCK_RESPONSE, PROVIDER_KEY } from "../lib/fixtures.ts";
import { freePort, HOST, waitForPort } from "../lib/net.ts";
import { Proc } from "../lib/proc.ts";
import type { Contender, Server, Upstream } from "./types.ts";

function commonConf(dir: string, server: string): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; multi_accept on; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 75s;
${server}
}
`;
}

async function startNginx(name: string, dir: string, conf: string, port: number, cpu?: string) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "nginx.conf");
  writeFileSync(file, conf);
  const proc = new Proc(name, "nginx", ["-p", dir, "-c", file, "-e", join(dir, "error.log")], { cpu });
  try {
    await waitForPort(port, 10_000, () => proc.running);
  } catch (err) {
    await proc.stop();
    throw new Error(`${name}: ${(err as Error).message}: ${proc.tail(400)}`);
  }
  return proc;
}

/** The mock upstream: any path answers 200 with MOCK_RESPONSE as application/json. */
export async function startMock(dir: string, cpu?: string): Promise<Server> {
  const port = await freePort();
  const conf = commonConf(
    dir,
    `  server {
    listen ${HOST}:${port} backlog=4096;
    location / {
      default_type application/json;
      return 200 '${MOCK_RESPONSE}';
    }
  }`,
  );
  const proc = await startNginx("mock", dir, conf, port, cpu);
  return { proc, host: HOST, port };
}

/** The nginx peer: proxy_pass to `up`, injecting the provider key. */
export async function startNginxProxy(dir: string, up: Upstream, cpu?: string): Promise<Server> {
  const port = await freePort();
  const conf = commonConf(
    dir,
    `  upstream llm { server ${up.host}:${up.port}; keepalive 128; }
  server {
    listen ${HOST}:${port} backlog=4096;
    location / {
      proxy_pass http://llm;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host ${up.host}:${up.port};
      proxy_set_header Authorization "Bearer ${PROVIDER_KEY}";
      proxy_buffering off;
    }
  }`,
  );
  const proc = await startNginx("nginx", dir, conf, port, cpu);
  return { proc, host: HOST, port };
}

export const nginxPeer: Contender = {
  name: "nginx",
  async start(ctx, up) {
    const srv = await startNginxProxy(ctx.dir, up, ctx.cpu);
    return {
      url: `http://${srv.host}:${srv.port}${CHAT_PATH}`,
      headers: {},
      pid: srv.proc.pid,
      note: "proxy_pass, keepalive upstream, injected Authorization",
      stop: () => srv.proc.stop(),
    };
  },
};
