// For examples whose providers set an explicit `host` (which wins over --provider-override): in a
// temp copy of the folder, point every such provider at the simulator (host 127.0.0.1, its port,
// plaintext, and without the policies.tls the real host needs: the simulator speaks plain HTTP).
// Nothing else in the manifests changes, so path, header and key settings are tested as written.
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isMap, isSeq, parseAllDocuments, type YAMLMap } from "yaml";

export interface Redirect {
  file: string;
  backend: string;
  /** Path of the provider in the backend, e.g. spec.ai.provider */
  provider: string;
  from: string;
}

function redirectProvider(node: unknown, port: number): string | undefined {
  if (!isMap(node)) return undefined;
  const host = node.get("host");
  if (typeof host !== "string") return undefined;
  node.set("host", "127.0.0.1");
  node.set("port", port);
  node.set("plaintext", true);
  if (node.hasIn(["policies", "tls"])) node.deleteIn(["policies", "tls"]);
  return host;
}

function providersOf(ai: YAMLMap): { path: string; node: unknown }[] {
  const out: { path: string; node: unknown }[] = [{ path: "spec.ai.provider", node: ai.get("provider") }];
  const groups = ai.get("groups");
  if (!isSeq(groups)) return out;
  groups.items.forEach((g, gi) => {
    const providers = isMap(g) ? g.get("providers") : undefined;
    if (!isSeq(providers)) return;
    providers.items.forEach((p, pi) => {
      out.push({ path: `spec.ai.groups[${gi}].providers[${pi}]`, node: p });
    });
  });
  return out;
}

/** Rewrites the YAML files of `dir` in place; returns what was redirected. */
export async function redirectHostsToSimulator(dir: string, simPort: number): Promise<Redirect[]> {
  const redirects: Redirect[] = [];
  for (const name of (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    const file = join(dir, name);
    const docs = parseAllDocuments(await readFile(file, "utf8"));
    let changed = false;
    for (const doc of docs) {
      if (doc.get("kind") !== "AgentgatewayBackend") continue;
      const ai = doc.getIn(["spec", "ai"]);
      if (!isMap(ai)) continue;
      const backend = String(doc.getIn(["metadata", "name"]));
      for (const { path, node } of providersOf(ai)) {
        const from = redirectProvider(node, simPort);
        if (from === undefined) continue;
        redirects.push({ file: name, backend, provider: path, from });
        if (doc.hasIn(["spec", "policies", "tls"])) doc.deleteIn(["spec", "policies", "tls"]);
        changed = true;
      }
    }
    if (changed) await writeFile(file, docs.map((d) => d.toString()).join(""));
  }
  return redirects;
}
