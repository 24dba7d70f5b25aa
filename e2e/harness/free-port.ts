// A free loopback TCP port: bind port 0, read the port the kernel picked, release it. The caller
// binds it right after; a lost race shows up as "address already in use" and is retried upstream.
import { createServer } from "node:net";

export const LOOPBACK = "127.0.0.1";

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen({ port: 0, host: LOOPBACK, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolvePort(port) : reject(new Error("no port assigned"))));
    });
  });
}

/** True when nothing listens on the loopback port and it can be bound now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolveFree(false));
    server.listen({ port, host: LOOPBACK, exclusive: true }, () => server.close(() => resolveFree(true)));
  });
}
