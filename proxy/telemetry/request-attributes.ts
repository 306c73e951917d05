/**
 * The attributes a client request's span and metrics carry (docs/telemetry.md, "What is sent"),
 * the one list of them for both exporter paths: written into a sink when a span is encoded (the
 * OTLP path in otlp/) or collected into objects (the OpenTelemetry SDK under Azure Monitor). Ids,
 * names, counts and statuses only.
 */
import { GEN_AI_PROVIDER, GEN_AI_SYSTEM, type AnswerMeta } from './gen-ai.js';
import type { ClosedRequest } from './telemetry.js';
import { AttributeRun, attributeKey, type AttrValue, type AttributeSink, type Attrs } from './otlp/attributes.js';

/** The attribute keys the spans carry (see AttributeKey). */
export const KEY = {
  operation: attributeKey('gen_ai.operation.name'),
  system: attributeKey('gen_ai.system'),
  provider: attributeKey('gen_ai.provider.name'),
  upstream: attributeKey('gateway.upstream'),
  target: attributeKey('gateway.target'),
  attempt: attributeKey('gateway.attempt'),
  requestModel: attributeKey('gen_ai.request.model'),
  statusCode: attributeKey('http.response.status_code'),
  keyId: attributeKey('gateway.key.id'),
  attempts: attributeKey('gateway.attempts'),
  responseModel: attributeKey('gen_ai.response.model'),
  team: attributeKey('gateway.team'),
  responseId: attributeKey('gen_ai.response.id', false),
  finishReasons: attributeKey('gen_ai.response.finish_reasons'),
  inputTokens: attributeKey('gen_ai.usage.input_tokens'),
  outputTokens: attributeKey('gen_ai.usage.output_tokens'),
  targetsSkipped: attributeKey('gateway.targets_skipped'),
  cooldowns: attributeKey('gateway.cooldowns'),
  limit: attributeKey('gateway.limit'),
  errorType: attributeKey('error.type'),
  method: attributeKey('http.request.method'),
  urlPath: attributeKey('url.path'),
  cooldownMs: attributeKey('gateway.target.cooldown_ms'),
} as const;

// The attributes of an attempt's span, and those of a request's span that repeat from one request
// to the next, as runs (see AttributeRun); their values are written into the arrays beside them,
// reused from one span to the next.
const ATTEMPT_RUN = new AttributeRun([
  KEY.operation,
  KEY.system,
  KEY.provider,
  KEY.upstream,
  KEY.target,
  KEY.attempt,
  KEY.requestModel,
]);
const ATTEMPT_VALUES: (AttrValue | undefined)[] = new Array(ATTEMPT_RUN.keys.length).fill(undefined);
const REQUEST_RUN = new AttributeRun([
  KEY.system,
  KEY.provider,
  KEY.statusCode,
  KEY.keyId,
  KEY.attempts,
  KEY.operation,
  KEY.requestModel,
  KEY.responseModel,
  KEY.team,
  KEY.target,
]);
const REQUEST_VALUES: (AttrValue | undefined)[] = new Array(REQUEST_RUN.keys.length).fill(undefined);
const HTTP_RUN = new AttributeRun([KEY.method, KEY.urlPath]);
const HTTP_VALUES: (AttrValue | undefined)[] = [undefined, undefined];

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
  const v = ATTEMPT_VALUES;
  v[0] = operation;
  v[1] = GEN_AI_SYSTEM;
  v[2] = GEN_AI_PROVIDER;
  v[3] = target.upstream;
  v[4] = target.key;
  v[5] = n;
  v[6] = target.deployment.startsWith('(') ? undefined : target.deployment;
  sink.run(ATTEMPT_RUN, v);
}

/** A request span's method and path (the SDK path sets them when the span starts), written into `sink`. */
export function httpAttributes(method: string, path: string, sink: AttributeSink): void {
  HTTP_VALUES[0] = method;
  HTTP_VALUES[1] = path;
  sink.run(HTTP_RUN, HTTP_VALUES);
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
  const v = REQUEST_VALUES;
  v[0] = GEN_AI_SYSTEM;
  v[1] = GEN_AI_PROVIDER;
  v[2] = done.status;
  v[3] = done.keyId;
  v[4] = counts.attempts;
  v[5] = operation || undefined;
  v[6] = acc.model || undefined;
  v[7] = meta.responseModel || undefined;
  v[8] = done.team || undefined;
  v[9] = acc.target || undefined;
  sink.run(REQUEST_RUN, v);
  if (meta.responseId) sink.attr(KEY.responseId, meta.responseId);
  if (meta.finishReasons.length) sink.attr(KEY.finishReasons, meta.finishReasons);
  if (acc.tokens) {
    sink.attr(KEY.inputTokens, acc.tokens.prompt);
    sink.attr(KEY.outputTokens, acc.tokens.completion);
  }
  if (counts.skipped) sink.attr(KEY.targetsSkipped, counts.skipped);
  if (counts.cooldowns) sink.attr(KEY.cooldowns, counts.cooldowns);
  if (counts.limit) sink.attr(KEY.limit, counts.limit);
  if (errorType) sink.attr(KEY.errorType, errorType);
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
