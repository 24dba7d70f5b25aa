// The simulator and a served copy of the corpus, shared by the cluster and the standalone tests:
// the simulator knows the AWS keys and Google service accounts the files use; in the copy, the
// service-account key placeholder holds a generated key whose token_uri is the simulator, and
// providers with their own host point at the simulator (redirect-hosts.ts). Invalid files are not
// copied: they are checked one by one.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Redirect, redirectHostsToSimulator } from "../examples/redirect-hosts.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { type TestServiceAccount, testServiceAccount } from "../simulator/testing.ts";
import { type AcceptedHeader, type CorpusCase, GCP_KEY_PLACEHOLDER, readCorpus } from "./corpus.ts";

export interface CorpusWorld {
  cases: CorpusCase[];
  sim: Simulator;
  /** The served copy: every setup, accepted and rejected file. */
  dir: string;
  redirects: Redirect[];
  close(): Promise<void>;
}

function accepted(c: CorpusCase): AcceptedHeader | undefined {
  return c.header.expect === "accepted" ? c.header : undefined;
}

export async function startCorpusWorld(): Promise<CorpusWorld> {
  const cases = readCorpus();
  const accounts = new Map<string, TestServiceAccount>();
  for (const c of cases) {
    if (!c.text.includes(GCP_KEY_PLACEHOLDER)) continue;
    const project = accepted(c)?.upstream.gcpProject ?? "corpus-unused";
    accounts.set(c.name, testServiceAccount(project, c.name));
  }
  const aws = cases.flatMap((c) => {
    const a = accepted(c)?.upstream.aws;
    return a ? [{ accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey }] : [];
  });
  const entraApps = cases.flatMap((c) => {
    const e = accepted(c)?.upstream.entra;
    return e ? [e] : [];
  });
  const sim = await startSimulator({
    chunks: 3,
    awsCredentials: aws,
    entraApps,
    gcpServiceAccounts: [...accounts.values()].map(({ clientEmail, publicKeyPem, projectId }) => ({
      clientEmail,
      publicKeyPem,
      projectId,
    })),
  });
  const dir = await mkdtemp(join(tmpdir(), "aigw-upstream-corpus-"));
  for (const c of cases) {
    if (c.header.expect === "invalid") continue;
    let text = c.text;
    if (text.includes(GCP_KEY_PLACEHOLDER)) {
      const sa = accounts.get(c.name);
      if (!sa) throw new Error(`${c.file}: no service account for ${GCP_KEY_PLACEHOLDER}`);
      text = text.replace(GCP_KEY_PLACEHOLDER, JSON.stringify(sa.keyJson(`${sim.url}/token`)));
    }
    await writeFile(join(dir, c.file), text);
  }
  const redirects = await redirectHostsToSimulator(dir, sim.port);
  return {
    cases,
    sim,
    dir,
    redirects,
    async close() {
      await sim.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
