#!/usr/bin/env node
// The one binary: `ai-gateway <operator|proxy|standalone|convert> [flags]`.
// Only tiny modules load eagerly: each subcommand imports its own code when it runs, so the proxy
// never loads the operator (client-node and the rest) and vice versa.
import packageJson from "../../package.json" with { type: "json" };
import { ConfigError } from "./edges/errors.ts";

const VERSION: string = packageJson.version;

export const USAGE = `Usage: ai-gateway <command> [flags]

Commands:
  operator     control plane: watch the cluster, stream snapshots to proxies, write status
  proxy        data plane for one Gateway: serve its listeners from the operator's snapshots
  standalone   proxy configured from local YAML manifests, no Kubernetes
  convert      kgateway Backends and Gloo Upstreams to AgentgatewayBackends (YAML on stdout)

Run 'ai-gateway <command> --help' for the flags of a command.

Flags:
  -h, --help      show this help
  -v, --version   print the version
`;

type Entry = (argv: string[]) => Promise<void>;

/** Import a subcommand's module lazily (the proxy does not load the operator's code and vice versa). */
async function load(specifier: string, exportName: string): Promise<Entry> {
  const mod: unknown = await import(specifier);
  const fn =
    typeof mod === "object" && mod !== null ? (mod as Record<string, unknown>)[exportName] : undefined;
  if (typeof fn !== "function") throw new Error(`${specifier} does not export ${exportName}()`);
  return fn as Entry;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "-h":
    case "--help":
    case "help":
      process.stdout.write(USAGE);
      return 0;
    case "-v":
    case "--version":
    case "version":
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case "operator":
      await (await load("./main.ts", "runOperator"))(rest);
      return 0;
    case "proxy":
      await (await load("../../gateway/src/main.ts", "runProxy"))(rest);
      return 0;
    case "standalone":
      await (await load("./standalone.ts", "runStandalone"))(rest);
      return 0;
    case "convert":
      await (await load("./convert/command.ts", "runConvert"))(rest);
      return 0;
    default:
      process.stderr.write(`ai-gateway: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      // A subcommand may already have set a non-zero exit code (e.g. a usage error): keep it.
      if (code !== 0 || process.exitCode === undefined) process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        process.stderr.write(`ai-gateway: ${err.message}\nRun with --help for usage.\n`);
        process.exit(2);
      }
      process.stderr.write(`ai-gateway: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
