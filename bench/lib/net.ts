// Loopback ports: a free one (listen on 0), and waiting until something accepts on one.
import { connect, createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export const HOST = "127.0.0.1";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: HOST, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** Resolves once `port` accepts a TCP connection; rejects after `timeoutMs` or when `alive()` is false. */
export async function waitForPort(port: number, timeoutMs: number, alive: () => boolean = () => true) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`process exited before port ${port} opened`);
    if (await canConnect(port)) return;
    await sleep(50);
  }
  throw new Error(`port ${port} not open after ${timeoutMs} ms`);
}
