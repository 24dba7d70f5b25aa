// policies.health.unhealthyCondition: upstream agentgateway takes a CEL expression. We take a small,
// linear-time subset of CEL and parse it ourselves: comparisons of `response.code` with an integer
// (==, !=, >=, <=, >, <, either side), `true`, `false`, combined with ||, && and ! and grouped by
// parentheses. Anything else is refused when the manifest is read (the operator's Accepted=False
// names the field), never at request time.
//
// Evaluation follows CEL: with no response (a connection failure) `response.code` is an error; an
// error absorbs into || and && as CEL's commutative operators do (true || error = true,
// false && error = false), and an expression that ends in an error is not unhealthy (upstream
// evaluates it with eval_bool, which answers false on an error).

export type Op = "==" | "!=" | ">=" | "<=" | ">" | "<";

export type Condition =
  | { t: "bool"; value: boolean }
  | { t: "cmp"; op: Op; left: Operand; right: Operand }
  | { t: "not"; x: Condition }
  | { t: "and" | "or"; a: Condition; b: Condition };

type Operand = { t: "code" } | { t: "int"; value: number };

/** What an unhealthyCondition sees of one attempt: the status code, undefined without a response. */
export interface AttemptView {
  code: number | undefined;
}

export class ConditionError extends Error {
  override name = "ConditionError";
}

/** The longest expression accepted (the CRD allows the same). */
export const MAX_CONDITION_LENGTH = 1024;
/** Deepest nesting of parentheses and ! accepted: the recursive parser stays shallow. */
const MAX_DEPTH = 32;

type Token =
  | { k: "op"; v: string; at: number }
  | { k: "int"; v: number; at: number }
  | { k: "id"; v: string; at: number };

const TOKEN = /(\d{1,9})|(response\.code|true|false)|(\|\||&&|==|!=|>=|<=|>|<|!|\(|\))/y;

/** One pass over the source: every token is matched where the previous one ended. */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let at = 0;
  for (;;) {
    while (at < src.length && /\s/.test(src[at] as string)) at++;
    if (at >= src.length) return out;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(src);
    const end = TOKEN.lastIndex;
    // a name glued to more name characters (response.codes, trueish, request.path) is another name
    if (!m || (m[3] === undefined && /[\w.]/.test(src[end] ?? ""))) {
      const word = /^[^\s()|&=!<>]+/.exec(src.slice(at, at + 64))?.[0] ?? src.slice(at, at + 1);
      throw new ConditionError(`unknown name or symbol '${word.slice(0, 40)}' at offset ${at}`);
    }
    if (m[1] !== undefined) out.push({ k: "int", v: Number(m[1]), at });
    else if (m[2] !== undefined) out.push({ k: "id", v: m[2], at });
    else out.push({ k: "op", v: m[3] as string, at });
    at = end;
  }
}

const COMPARISONS = new Set(["==", "!=", ">=", "<=", ">", "<"]);

/** Parses an unhealthyCondition; throws ConditionError (with what is not supported) otherwise. */
export function parseCondition(src: string): Condition {
  if (src.length > MAX_CONDITION_LENGTH)
    throw new ConditionError(`longer than ${MAX_CONDITION_LENGTH} characters`);
  const tokens = tokenize(src);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const describe = (t: Token | undefined): string =>
    t === undefined ? "end of expression" : `'${String(t.v)}' at offset ${t.at}`;
  const isOp = (v: string): boolean => {
    const t = peek();
    return t?.k === "op" && t.v === v;
  };

  const operand = (): Operand => {
    const t = peek();
    if (t?.k === "int") {
      i++;
      return { t: "int", value: t.v };
    }
    if (t?.k === "id" && t.v === "response.code") {
      i++;
      return { t: "code" };
    }
    throw new ConditionError(`expected response.code or an integer, found ${describe(t)}`);
  };

  const primary = (depth: number): Condition => {
    if (depth > MAX_DEPTH) throw new ConditionError(`nested deeper than ${MAX_DEPTH}`);
    const t = peek();
    if (isOp("(")) {
      i++;
      const inner = or(depth + 1);
      if (!isOp(")")) throw new ConditionError(`expected ')', found ${describe(peek())}`);
      i++;
      return inner;
    }
    if (isOp("!")) {
      i++;
      return { t: "not", x: primary(depth + 1) };
    }
    if (t?.k === "id" && (t.v === "true" || t.v === "false")) {
      i++;
      return { t: "bool", value: t.v === "true" };
    }
    const left = operand();
    const op = peek();
    if (op?.k !== "op" || !COMPARISONS.has(op.v))
      throw new ConditionError(`expected a comparison (==, !=, >=, <=, >, <), found ${describe(op)}`);
    i++;
    const right = operand();
    if (left.t === "int" && right.t === "int")
      throw new ConditionError(`a comparison at offset ${t?.at ?? 0} must name response.code`);
    return { t: "cmp", op: op.v as Op, left, right };
  };

  const and = (depth: number): Condition => {
    let a = primary(depth);
    while (isOp("&&")) {
      i++;
      a = { t: "and", a, b: primary(depth) };
    }
    return a;
  };

  function or(depth: number): Condition {
    let a = and(depth);
    while (isOp("||")) {
      i++;
      a = { t: "or", a, b: and(depth) };
    }
    return a;
  }

  if (tokens.length === 0) throw new ConditionError("empty expression");
  const out = or(0);
  if (i < tokens.length) throw new ConditionError(`unexpected ${describe(peek())}`);
  return out;
}

/** true, false, or undefined for a CEL error (response.code without a response). */
function evaluate(c: Condition, view: AttemptView): boolean | undefined {
  switch (c.t) {
    case "bool":
      return c.value;
    case "cmp": {
      const l = c.left.t === "code" ? view.code : c.left.value;
      const r = c.right.t === "code" ? view.code : c.right.value;
      if (l === undefined || r === undefined) return undefined;
      switch (c.op) {
        case "==":
          return l === r;
        case "!=":
          return l !== r;
        case ">=":
          return l >= r;
        case "<=":
          return l <= r;
        case ">":
          return l > r;
        case "<":
          return l < r;
      }
      return undefined;
    }
    case "not": {
      const x = evaluate(c.x, view);
      return x === undefined ? undefined : !x;
    }
    case "and": {
      const a = evaluate(c.a, view);
      const b = evaluate(c.b, view);
      if (a === false || b === false) return false;
      return a === undefined || b === undefined ? undefined : true;
    }
    case "or": {
      const a = evaluate(c.a, view);
      const b = evaluate(c.b, view);
      if (a === true || b === true) return true;
      return a === undefined || b === undefined ? undefined : false;
    }
  }
}

/** Is this attempt unhealthy? No condition: upstream's default, a 5xx or no response at all. */
export function isUnhealthy(condition: Condition | undefined, view: AttemptView): boolean {
  if (condition === undefined) return view.code === undefined || view.code >= 500;
  return evaluate(condition, view) === true;
}
