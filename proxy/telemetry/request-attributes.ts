/**
 * The attributes a client request's span and metrics carry (docs/telemetry.md, "What is sent"),
 * computed once from how the request ended, for both exporter paths (the OTLP path in otlp/ and
 * the OpenTelemetry SDK under Azure Monitor). Ids, names, counts and statuses only.
 */
import { GEN_AI_PROVIDER, GEN_AI_SYSTEM, type AnswerMeta } from './gen-ai.js';
import type { ClosedRequest } from './telemetry.js';
import type { AttributeSink, Attrs } from './otlp/span-record.js';

/** What the trace counted on the way. */
export interface TraceCounts {
  attempts: number;
  skipped: number;
  cooldowns: number;
  /** The governance limit that refused the request. */
  limit?: string;
}

/**
 * An upstream attempt's span attributes when it starts, written into `sink`. Files and batches
 * belong to no deployment: their calls are named `(files)` and `(batches)`, as in the
 * statistics, and carry no `gen_ai.request.model`.
 */
export function attemptAttributes(
  operation: string,
  target: { upstream: string; deployment: string; key: string },
  n: number,
  sink: AttributeSink,
): void {
  sink.attr('gen_ai.operation.name', operation);
  sink.attr('gen_ai.system', GEN_AI_SYSTEM);
  sink.attr('gen_ai.provider.name', GEN_AI_PROVIDER);
  sink.attr('gateway.upstream', target.upstream);
  sink.attr('gateway.target', target.key);
  sink.attr('gateway.attempt', n);
  if (!target.deployment.startsWith('(')) sink.attr('gen_ai.request.model', target.deployment);
}

/** `error.type` of a request that ended with `done.status`: the gateway's code, the status, or client_aborted. */
export function errorTypeOf(done: ClosedRequest, refusedCode: string | undefined): string | undefined {
  if (done.status === 0) return 'client_aborted';
  return done.status >= 400 ? (refusedCode ?? String(done.status)) : undefined;
}

/** The request span's attributes, added when it closes, written into `sink`. */
export function requestAttributes(
  done: ClosedRequest,
  meta: AnswerMeta,
  counts: TraceCounts,
  operation: string | undefined,
  errorType: string | undefined,
  sink: AttributeSink,
): void {
  const { acc } = done;
  sink.attr('gen_ai.system', GEN_AI_SYSTEM);
  sink.attr('gen_ai.provider.name', GEN_AI_PROVIDER);
  sink.attr('http.response.status_code', done.status);
  sink.attr('gateway.key.id', done.keyId);
  sink.attr('gateway.attempts', counts.attempts);
  if (operation) sink.attr('gen_ai.operation.name', operation);
  if (acc.model) sink.attr('gen_ai.request.model', acc.model);
  if (meta.responseModel) sink.attr('gen_ai.response.model', meta.responseModel);
  if (done.team) sink.attr('gateway.team', done.team);
  if (acc.target) sink.attr('gateway.target', acc.target);
  if (meta.responseId) sink.attr('gen_ai.response.id', meta.responseId);
  if (meta.finishReasons.length) sink.attr('gen_ai.response.finish_reasons', meta.finishReasons);
  if (acc.tokens) {
    sink.attr('gen_ai.usage.input_tokens', acc.tokens.prompt);
    sink.attr('gen_ai.usage.output_tokens', acc.tokens.completion);
  }
  if (counts.skipped) sink.attr('gateway.targets_skipped', counts.skipped);
  if (counts.cooldowns) sink.attr('gateway.cooldowns', counts.cooldowns);
  if (counts.limit) sink.attr('gateway.limit', counts.limit);
  if (errorType) sink.attr('error.type', errorType);
}

/**
 * A string naming the GenAI metrics' attribute set of a request (see metricAttributes), so a
 * histogram finds its series without hashing an object.
 */
export function metricSeriesKey(
  done: ClosedRequest,
  meta: AnswerMeta,
  operation: string,
  errorType: string | undefined,
): string {
  const { acc } = done;
  return `${operation}\u0001${acc.model ?? ''}\u0001${meta.responseModel ?? ''}\u0001${acc.target ?? ''}\u0001${errorType ?? ''}`;
}

/**
 * The GenAI metrics' attributes: fewer than the span's (no key id, whose series would grow
 * without bound), built only for a new series.
 */
export function metricAttributes(
  done: ClosedRequest,
  meta: AnswerMeta,
  operation: string,
  errorType: string | undefined,
): Attrs {
  const { acc } = done;
  const a: Attrs = { 'gen_ai.provider.name': GEN_AI_PROVIDER, 'gen_ai.operation.name': operation };
  if (acc.model) a['gen_ai.request.model'] = acc.model;
  if (meta.responseModel) a['gen_ai.response.model'] = meta.responseModel;
  if (acc.target) a['gateway.target'] = acc.target;
  if (errorType) a['error.type'] = errorType;
  return a;
}

/** The advised buckets of `gen_ai.client.token.usage` (GenAI semantic conventions). */
export const TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** The advised buckets of `gen_ai.client.operation.duration`, in seconds. */
export const DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** The two GenAI histograms' names, units and descriptions. */
export const TOKEN_USAGE = {
  name: 'gen_ai.client.token.usage',
  unit: '{token}',
  description: 'Tokens used per request, by gen_ai.token.type (input, output)',
} as const;
export const OPERATION_DURATION = {
  name: 'gen_ai.client.operation.duration',
  unit: 's',
  description: 'Duration of a request through the gateway, stream included',
} as const;
