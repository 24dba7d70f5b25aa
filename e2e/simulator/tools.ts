// Deterministic function calling. When a request declares tools, the tool choice allows a call and
// the conversation does not end with a tool result, the simulated model calls one tool (the forced
// one, else the first) with arguments built from its JSON schema: every required property gets a
// placeholder of its type ("sim" for strings, 1 for numbers, true for booleans). Otherwise it
// answers text. Each provider module frames the call in its own wire format.

export interface ToolSpec {
  name: string;
  /** JSON schema of the arguments. */
  schema: unknown;
}

export interface PlannedCall {
  name: string;
  args: Record<string, unknown>;
  /** The arguments as JSON text. */
  argsJson: string;
}

function placeholder(prop: unknown): unknown {
  const type = typeof prop === "object" && prop !== null ? (prop as { type?: unknown }).type : undefined;
  if (type === "number" || type === "integer") return 1;
  if (type === "boolean") return true;
  if (type === "array") return [];
  if (type === "object") return {};
  return "sim";
}

export function argsFor(schema: unknown): Record<string, unknown> {
  const s = (typeof schema === "object" && schema !== null ? schema : {}) as {
    required?: unknown;
    properties?: Record<string, unknown>;
  };
  const out: Record<string, unknown> = {};
  if (Array.isArray(s.required)) {
    for (const name of s.required)
      if (typeof name === "string") out[name] = placeholder(s.properties?.[name]);
  }
  return out;
}

/** The call the model makes, or undefined for a text answer. */
export function planCall(
  tools: readonly ToolSpec[],
  opts: { endsWithToolResult: boolean; forced?: string; none?: boolean },
): PlannedCall | undefined {
  if (tools.length === 0 || opts.none || opts.endsWithToolResult) return undefined;
  const tool = (opts.forced ? tools.find((t) => t.name === opts.forced) : undefined) ?? tools[0];
  if (!tool) return undefined;
  const args = argsFor(tool.schema);
  return { name: tool.name, args, argsJson: JSON.stringify(args) };
}

/** Splits argument JSON in two pieces, as providers stream it in fragments. */
export function argPieces(json: string): string[] {
  if (json.length < 2) return [json];
  const mid = Math.ceil(json.length / 2);
  return [json.slice(0, mid), json.slice(mid)];
}
