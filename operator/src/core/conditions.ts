// Condition builders. Conditions carry observedGeneration and no lastTransitionTime: the status
// writer stamps the time when a condition's status flips.
import type { Condition } from "../api/meta.ts";
import type { ConditionType, Problem, Reason } from "./reasons.ts";

/** Kubernetes caps a condition message at 32768 bytes; we stay far below it. */
const MAX_MESSAGE = 2048;

function clip(message: string): string {
  return message.length <= MAX_MESSAGE ? message : `${message.slice(0, MAX_MESSAGE - 3)}...`;
}

export function condition(
  type: ConditionType,
  status: boolean,
  reason: Reason,
  message: string,
  generation: number,
): Condition {
  return {
    type,
    status: status ? "True" : "False",
    reason,
    message: clip(message),
    observedGeneration: generation,
  };
}

export function failed(type: ConditionType, problem: Problem, generation: number): Condition {
  return condition(type, false, problem.reason, problem.message, generation);
}

/** Conditions sorted by type, so equal states give equal lists. */
export function sortConditions(conditions: Condition[]): Condition[] {
  return [...conditions].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

/** One problem summarising several: the first one's reason, every distinct message. */
export function summarize(problems: readonly Problem[]): Problem | undefined {
  const first = problems[0];
  if (!first) return undefined;
  const messages = [...new Set(problems.map((p) => p.message))];
  return { reason: first.reason, message: messages.join("; ") };
}
