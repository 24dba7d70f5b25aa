// Response metering: records one finished exchange in the HTTP and GenAI metrics (usage only when the
// provider reported it) and writes the access log line. Model labels are bounded by ModelLabels.

import { REASON_OK } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { MetricChildren } from "../metrics/children.ts";
import type { ModelLabels } from "../metrics/model-labels.ts";
import type { ProxyMetrics } from "../metrics/registry.ts";
import type { Exchange, ExchangeOutcome } from "./exchange.ts";

export interface MeteringDeps {
  metrics: ProxyMetrics;
  /** Bound label children of the per-request metrics (reset on snapshot swap). */
  children: MetricChildren;
  models: ModelLabels;
  gateway: () => string;
  log: Logger;
}

export function recordExchange(deps: MeteringDeps, ex: Exchange, outcome: ExchangeOutcome): void {
  const { metrics, models, children } = deps;
  const gateway = deps.gateway();
  const http = children.http({
    gateway,
    listener: ex.listener,
    route: ex.routeId,
    backend: ex.backend,
    status: String(outcome.status),
    reason: outcome.reason,
  });
  http.requests.inc();
  http.duration.observe(outcome.durationS);
  children.active(gateway).dec();

  const plan = ex.plan;
  const provider = ex.provider;
  if (plan?.operation !== undefined && provider !== undefined) {
    models.noteReturned(ex.usage.responseModel);
    const base = {
      gen_ai_operation_name: plan.operation,
      gen_ai_provider_name: provider.adapter.otelName,
      gen_ai_request_model: models.label(plan.requestModel),
      route: ex.routeId,
    };
    const failed = outcome.reason !== REASON_OK;
    const genAi = children.genAi({
      ...base,
      gen_ai_response_model: models.label(ex.usage.responseModel),
      ...(failed ? { error_type: outcome.reason } : {}),
    });
    genAi.duration.observe(outcome.durationS);
    if (ex.usage.inputTokens !== undefined) genAi.inputTokens.observe(ex.usage.inputTokens);
    if (ex.usage.outputTokens !== undefined) genAi.outputTokens.observe(ex.usage.outputTokens);
    if (ex.streamed && ex.firstTokenAt !== undefined) {
      metrics.timeToFirstToken.observe(base, (ex.firstTokenAt - ex.startedAt) / 1000);
      const out = ex.usage.outputTokens;
      if (!failed && out !== undefined && out > 1) {
        const end = ex.startedAt + outcome.durationS * 1000;
        metrics.timePerOutputToken.observe(base, (end - ex.firstTokenAt) / 1000 / (out - 1));
      }
    }
  }
  if (deps.log.isLevelEnabled("debug") || outcome.reason !== REASON_OK) {
    const line = {
      method: ex.req.method,
      listener: ex.listener,
      route: ex.routeId,
      backend: ex.backend,
      provider: provider?.label,
      status: outcome.status,
      reason: outcome.reason,
      durationMs: Math.round(outcome.durationS * 1000),
      inputTokens: ex.usage.inputTokens,
      outputTokens: ex.usage.outputTokens,
    };
    if (outcome.reason === REASON_OK) deps.log.debug(line, "request");
    else deps.log.info(line, "request failed");
  }
}
