/**
 * Prometheus text exposition (format 0.0.4) of the proxy's lifetime usage counters, served on the
 * internal listener at /metrics. Format reference:
 * https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format
 * Counters come from the lifetime totals, which are persisted, so they stay monotonic across
 * restarts (up to the events since the last persist, which Prometheus sees as a counter reset).
 */
import { LATENCY_BOUNDS_MS, type LifetimeSeries, type UsageStats } from '../usage/stats.js';

/** The Content-Type of the text this module renders. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One extra gauge sample (e.g. upstream health, bucket counts) to append to the exposition. */
export interface GaugeSample {
  name: string;
  help: string;
  labels?: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

// Status classes as exported; they are disjoint (4xx excludes 429) so they sum to all requests.
const STATUS_CLASSES = [
  ['2xx', 's2xx'],
  ['4xx', 's4xx'],
  ['429', 's429'],
  ['5xx', 's5xx'],
  ['other', 'sOther'],
] as const;
const TOKEN_KINDS = [
  ['prompt', 'promptTokens'],
  ['completion', 'completionTokens'],
  ['cached', 'cachedTokens'],
  ['reasoning', 'reasoningTokens'],
] as const;
const OWN_FAMILIES = [
  'gateway_requests_total',
  'gateway_tokens_total',
  'gateway_image_bytes_saved_total',
  'gateway_spend_total',
  'gateway_request_duration_seconds',
];

/** Escapes a label value: backslash, double quote and line feed are the three the format escapes. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

// HELP text escapes backslash and line feed only (a quote is literal there).
function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

// Go's ParseFloat reads what String(number) writes, except the infinities, which have names.
function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatLabels(labels: ReadonlyArray<readonly [string, string]>): string {
  if (labels.length === 0) return '';
  return `{${labels.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',')}}`;
}

function header(out: string[], name: string, type: 'counter' | 'gauge' | 'histogram', help: string): void {
  out.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
}

/** Renders the lifetime counters of `stats` (and any extra gauges) as Prometheus text. */
export function renderPrometheus(stats: UsageStats, extra: { gauges?: GaugeSample[] } = {}): string {
  // Sorted (by code unit, not locale) so that scrapes and golden tests see a stable order.
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const series = stats
    .lifetime()
    .sort((a, b) => cmp(a.model, b.model) || cmp(a.keyId, b.keyId) || cmp(a.target, b.target));
  const base = (s: LifetimeSeries): Array<[string, string]> => [
    ['model', s.model],
    ['key', s.keyId],
    ['target', s.target],
  ];
  const out: string[] = [];

  header(out, 'gateway_requests_total', 'counter', 'Requests answered, by status class (4xx excludes 429).');
  for (const s of series) {
    for (const [cls, field] of STATUS_CLASSES) {
      out.push(
        `gateway_requests_total${formatLabels([...base(s), ['status_class', cls]])} ${formatValue(s.counters[field])}`,
      );
    }
  }

  header(out, 'gateway_tokens_total', 'counter', 'Tokens reported by the upstream, by kind.');
  for (const s of series) {
    for (const [kind, field] of TOKEN_KINDS) {
      out.push(`gateway_tokens_total${formatLabels([...base(s), ['kind', kind]])} ${formatValue(s.counters[field])}`);
    }
  }

  header(out, 'gateway_image_bytes_saved_total', 'counter', 'Request bytes saved by image compression.');
  for (const s of series) {
    out.push(`gateway_image_bytes_saved_total${formatLabels(base(s))} ${formatValue(s.counters.imageBytesSaved)}`);
  }

  header(out, 'gateway_spend_total', 'counter', 'Spend in the gateway currency at the serving target price.');
  for (const s of series) {
    out.push(`gateway_spend_total${formatLabels(base(s))} ${formatValue(s.counters.cost)}`);
  }

  header(out, 'gateway_request_duration_seconds', 'histogram', 'Request latency as seen by the proxy.');
  for (const s of series) {
    const hist = s.counters.latencyHistogram;
    let cumulative = 0;
    LATENCY_BOUNDS_MS.forEach((bound, i) => {
      cumulative += hist[i] ?? 0;
      out.push(
        `gateway_request_duration_seconds_bucket${formatLabels([...base(s), ['le', formatValue(bound / 1000)]])} ${cumulative}`,
      );
    });
    cumulative += hist[LATENCY_BOUNDS_MS.length] ?? 0;
    out.push(`gateway_request_duration_seconds_bucket${formatLabels([...base(s), ['le', '+Inf']])} ${cumulative}`);
    out.push(
      `gateway_request_duration_seconds_sum${formatLabels(base(s))} ${formatValue(s.counters.latencySumMs / 1000)}`,
    );
    out.push(`gateway_request_duration_seconds_count${formatLabels(base(s))} ${cumulative}`);
  }

  renderGauges(out, extra.gauges ?? []);
  return `${out.join('\n')}\n`;
}

// Groups samples by name so each family gets one HELP/TYPE pair (the format forbids repeats).
// Bad names are a programming error of the caller, so they throw rather than emit broken text.
function renderGauges(out: string[], gauges: GaugeSample[]): void {
  const families = new Map<string, GaugeSample[]>();
  for (const g of gauges) {
    if (!METRIC_NAME.test(g.name) || OWN_FAMILIES.includes(g.name))
      throw new TypeError(`invalid gauge name: ${g.name}`);
    for (const label of Object.keys(g.labels ?? {})) {
      if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new TypeError(`invalid label name: ${label}`);
    }
    const family = families.get(g.name);
    if (family === undefined) families.set(g.name, [g]);
    else family.push(g);
  }
  for (const [name, samples] of families) {
    header(out, name, 'gauge', samples[0]?.help ?? '');
    for (const g of samples) out.push(`${name}${formatLabels(Object.entries(g.labels ?? {}))} ${formatValue(g.value)}`);
  }
}
