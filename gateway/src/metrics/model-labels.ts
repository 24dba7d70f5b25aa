// Bounded model label values. Request models come from clients, so a model only becomes a label
// value when the current snapshot's backends name it or a provider returned it in a response
// (capped); anything else collapses to "other".

export const OTHER_MODEL = "other";
const DEFAULT_RETURNED_CAP = 256;
const MAX_MODEL_LABEL_LENGTH = 128;

export class ModelLabels {
  #known: ReadonlySet<string> = new Set();
  readonly #returned = new Set<string>();
  readonly #cap: number;

  constructor(returnedCap = DEFAULT_RETURNED_CAP) {
    this.#cap = returnedCap;
  }

  /** Models named by the backends of the snapshot being served. */
  setKnown(models: Iterable<string>): void {
    this.#known = new Set(models);
  }

  /** A model a provider returned in a response; remembered up to the cap. */
  noteReturned(model: string | undefined): void {
    if (!model || model.length > MAX_MODEL_LABEL_LENGTH || this.#returned.has(model)) return;
    if (this.#returned.size < this.#cap) this.#returned.add(model);
  }

  /** The label value for a model ("" when there is none). */
  label(model: string | undefined): string {
    if (model === undefined || model === "") return "";
    if (this.#known.has(model) || this.#returned.has(model)) return model;
    return OTHER_MODEL;
  }
}
