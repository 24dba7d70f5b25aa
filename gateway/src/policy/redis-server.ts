// Test support: a real redis-server (Debian package, see scripts/system-deps.sh) on a free loopback
// port, with a password, no persistence to disk unless asked, started and stopped by the test.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface RedisServer {
  url: string;
  port: number;
  password: string;
  stop(): Promise<void>;
  /** Start again on the same port and data directory (what was saved survives). */
  restart(): Promise<void>;
  /** Stop, keeping the data directory for restart(). */
  halt(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen({ port: 0, host: "127.0.0.1" }, () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function waitListening(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const c = createConnection({ port, host: "127.0.0.1" });
      c.once("connect", () => {
        c.destroy();
        resolve();
      });
      c.once("error", () => {
        c.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startRedis(opts: { binary?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  const password = `test-${process.pid}-${port}`;
  const dir = mkdtempSync(join(tmpdir(), "aigw-redis-"));
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(
      opts.binary ?? "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--requirepass",
        password,
        "--dir",
        dir,
        "--save",
        "",
        "--appendonly",
        "yes",
      ],
      { stdio: "ignore" },
    );
    await waitListening(port, 10_000);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((r) => c.once("exit", () => r()));
    c.kill("SIGTERM");
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    password,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await stop();
      await launch();
    },
    halt: stop,
  };
}
