// HTTP client run inside the cluster's network namespace (`cluster:exec -- node e2e/node/client.ts`)
// so requests reach ClusterIPs without leaving the namespace. Prints one JSON line.
//   client.ts get <url>
//   client.ts post <url> <json>
//   client.ts steady <url> <json> <stop-file> [concurrency]   requests until <stop-file> exists
import { existsSync } from "node:fs";

type Outcome = { status: number; body: string } | { error: string };

async function once(url: string, body?: string): Promise<Outcome> {
  try {
    const res = await fetch(url, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : "";
    return { error: `${err instanceof Error ? err.message : String(err)}${cause}` };
  }
}

async function steady(url: string, body: string, stopFile: string, concurrency: number): Promise<void> {
  let ok = 0;
  const failures: { at: number; what: string }[] = [];
  const started = Date.now();
  const worker = async () => {
    while (!existsSync(stopFile)) {
      const r = await once(url, body);
      if ("status" in r && r.status === 200) ok++;
      else
        failures.push({
          at: Date.now() - started,
          what: "status" in r ? `HTTP ${r.status} ${r.body.slice(0, 120)}` : r.error,
        });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stdout.write(
    `${JSON.stringify({ ok, failed: failures.length, ms: Date.now() - started, failures: failures.slice(0, 20) })}\n`,
  );
}

async function main(argv: string[]): Promise<void> {
  const [mode, url, a, b, c] = argv;
  if (!url) throw new Error("usage: client.ts get|post|steady <url> ...");
  if (mode === "get") process.stdout.write(`${JSON.stringify(await once(url))}\n`);
  else if (mode === "post") process.stdout.write(`${JSON.stringify(await once(url, a ?? "{}"))}\n`);
  else if (mode === "steady" && a && b) await steady(url, a, b, Number(c ?? "2"));
  else throw new Error(`unknown mode ${mode}`);
}

await main(process.argv.slice(2));
