// One example, run the way its README says offline: the simulator started with the README's
// flags, the standalone gateway with the README's flags, on a temp copy of the example folder (so a
// test may edit files like a user would). Local ports replace the README's fixed ones.
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Writable } from "node:stream";
import { createLogger } from "../../gateway/src/log.ts";
import { parseStandaloneArgs, type Standalone, startStandalone } from "../../operator/src/standalone.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { parseCli } from "../simulator/main.ts";
import { type CurlRequest, parseCurl, sendCurl } from "./curl.ts";
import { commandsStartingWith, type ShellCommand, shellCommands } from "./readme.ts";
import { type Redirect, redirectHostsToSimulator } from "./redirect-hosts.ts";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");
export const EXAMPLES_DIR = join(REPO_ROOT, "examples");

/** The ports the READMEs use: gateway listener 80 on 8080, the simulator, the proxy admin. */
export const README_GATEWAY_PORT = 8080;
export const README_SIMULATOR_URL = "http://127.0.0.1:9000";
const README_SIMULATOR_PORT = 9000;
const README_ADMIN_PORT = 15000;

export interface ExampleWorld {
  name: string;
  /** The temp copy being served. */
  dir: string;
  sim: Simulator;
  app: Standalone;
  /** The README's curl commands, in order. */
  curls: CurlRequest[];
  /** Providers pointed at the simulator because they set their own host. */
  redirects: Redirect[];
  gatewayPort: number;
  adminPort: number;
  send(req: CurlRequest): Promise<Response>;
  /** Applies a change to the served files and waits until the gateway reloaded them. */
  edit(change: () => Promise<void>): Promise<void>;
  metrics(): Promise<string>;
  logs(): string;
  close(): Promise<void>;
}

export async function readmeCommands(name: string): Promise<ShellCommand[]> {
  return shellCommands(await readFile(join(EXAMPLES_DIR, name, "README.md"), "utf8"));
}

function only(commands: ShellCommand[], what: string): ShellCommand {
  assert.equal(commands.length, 1, `the README shows exactly one ${what} command`);
  return commands[0] as ShellCommand;
}

/** The README's standalone command, checked: this folder (or a copy of it), port 80 on 8080, the simulator. */
function standaloneOptions(name: string, commands: ShellCommand[]) {
  const cmd = only(commandsStartingWith(commands, ["npx", "ai-gateway", "standalone"]), "standalone");
  const opts = parseStandaloneArgs(cmd.words.slice(3));
  assert.notEqual(opts, "help");
  if (opts === "help") throw new Error("unreachable");
  assert.ok(
    opts.path === `examples/${name}` || basename(opts.path) === name,
    `the README serves examples/${name} or a copy of it, not ${opts.path}`,
  );
  assert.equal(opts.portMap?.get(80), README_GATEWAY_PORT, "listener port 80 on localhost:8080");
  assert.equal(opts.providerOverride, README_SIMULATOR_URL, "providers go to the simulator");
  return opts;
}

function simulatorOptions(commands: ShellCommand[]) {
  const cmd = only(commandsStartingWith(commands, ["npx", "node", "e2e/simulator/main.ts"]), "simulator");
  const opts = parseCli(cmd.words.slice(3));
  assert.notEqual(opts, "help");
  if (opts === "help") throw new Error("unreachable");
  assert.equal(opts.port, README_SIMULATOR_PORT, "the simulator listens where --provider-override points");
  return { ...opts, port: 0 };
}

export async function startExample(
  name: string,
  gateway: string,
  opts: { redirectHosts?: boolean } = {},
): Promise<ExampleWorld> {
  const commands = await readmeCommands(name);
  const standalone = standaloneOptions(name, commands);
  const curls = commandsStartingWith(commands, ["curl"]).map((c) => parseCurl(c.words));
  const dir = await mkdtemp(join(tmpdir(), `aigw-example-${name}-`));
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  let sim: Simulator | undefined;
  let app: Standalone | undefined;
  try {
    await cp(join(EXAMPLES_DIR, name), dir, { recursive: true });
    sim = await startSimulator(simulatorOptions(commands));
    const redirects = opts.redirectHosts ? await redirectHostsToSimulator(dir, sim.port) : [];
    app = await startStandalone({
      ...standalone,
      path: dir,
      adminPort: 0,
      portMap: new Map([[80, 0]]),
      bind: "127.0.0.1",
      providerOverride: sim.url,
      log: createLogger({ destination: sink }),
    });
    const proxy = app.proxy(gateway);
    const gatewayPort = proxy?.listenerPort(80);
    assert.ok(proxy && gatewayPort, `Gateway ${gateway} serves listener port 80:\n${lines.join("")}`);
    const ports = new Map([
      [README_GATEWAY_PORT, gatewayPort],
      [README_SIMULATOR_PORT, sim.port],
      [README_ADMIN_PORT, proxy.adminPort],
    ]);
    const started = { sim, app };
    return {
      name,
      dir,
      sim,
      app,
      curls,
      redirects,
      gatewayPort,
      adminPort: proxy.adminPort,
      send: (req) => sendCurl(req, ports),
      async edit(change) {
        const reloaded = started.app.nextReload();
        await change();
        await reloaded;
      },
      metrics: async () => (await fetch(`http://127.0.0.1:${proxy.adminPort}/metrics`)).text(),
      logs: () => lines.join(""),
      async close() {
        await started.app.close();
        await started.sim.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await app?.close();
    await sim?.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
