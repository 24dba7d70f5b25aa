// Every generated file in the repo, in one list. To add a generator, add one entry: the file's
// path from the repo root and a function that renders its whole content (deterministically).
// `npm run gen` writes them all; `npm run gen:check` fails when any checked-in copy is stale.

import { CHART_GENERATED_DIRS, chartGenerators } from "../../charts/ai-gateway/gen.ts";
import { crdFileName, renderCrdYaml } from "../../operator/src/api/crd/crd.ts";
import { renderCrdReference } from "../../operator/src/api/crd/docs.ts";
import { CRD_KINDS } from "../../operator/src/api/crd/kinds.ts";

export type Generator = {
  /** Path from the repo root, with forward slashes. */
  path: string;
  render: () => string | Promise<string>;
};

export const GENERATORS: readonly Generator[] = [
  ...CRD_KINDS.map((kind) => ({ path: `crds/${crdFileName(kind)}`, render: () => renderCrdYaml(kind) })),
  { path: "docs/reference/crds.md", render: () => renderCrdReference(CRD_KINDS) },
  ...chartGenerators(),
];

/**
 * Directories whose every file comes from a generator: a file there that no generator produces
 * (say, the CRD of a removed kind) is stale too, and `npm run gen` deletes it.
 */
export const GENERATED_DIRS: readonly string[] = ["crds", "docs/reference", ...CHART_GENERATED_DIRS];
