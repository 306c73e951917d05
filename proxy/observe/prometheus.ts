/**
 * The proxy's /metrics, produced by prom-client on one registry per process (docs/usage-and-metrics.md).
 * The usage families (`gateway_requests_total`, `gateway_tokens_total`,
 * `gateway_image_bytes_saved_total`, `gateway_spend_total`, `gateway_request_duration_seconds`)
 * are read at scrape time from the persisted lifetime totals, so they stay monotonic across
 * restarts; prom-client cannot be told a histogram's buckets, so those families are prom-client
 * metrics whose values come from the totals. `gateway_time_to_first_byte_seconds` is a live
 * prom-client histogram (since the process started), and prom-client's process and Node.js
 * metrics (CPU, memory, event-loop lag, GC) come along. Extra gauges (credentials, governance)
 * are added per scrape.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type MetricType } from 'prom-client';
import { LATENCY_BOUNDS_MS, type LifetimeSeries, type UsageStats } from '../usage/stats.js';

/** The Content-Type of the exposition (text format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** One extra gauge sample (e.g. upstream health, bucket counts) to append to the exposition. */
export interface GaugeSample {
  name: string;
  help: string;
  labels?: Record<string, string>;
  value: number;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SERIES_LABELS = ['model', 'key', 'target'] as const;

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

interface Sample {
  labels: Record<string, string>;
  value: number;
  metricName?: string;
}

/** Escapes a label value as the text format does: backslash, double quote and line feed. */
export function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

// Sorted (by code unit, not locale) so that scrapes and tests see a stable order.
function sortedSeries(stats: UsageStats): LifetimeSeries[] {
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return stats.lifetime().sort((a, b) => cmp(a.model, b.model) || cmp(a.keyId, b.keyId) || cmp(a.target, b.target));
}

const base = (s: LifetimeSeries): Record<string, string> => ({ model: s.model, key: s.keyId, target: s.target });

// A prom-client metric whose samples are computed at scrape time (the registry asks `get`, or
// `getForPromString` for histograms).
function computed<M extends Counter | Gauge | Histogram>(
  metric: M,
  meta: { name: string; help: string; type: 'counter' | 'gauge' | 'histogram' },
  samples: () => Sample[],
): M {
  const data = async () => ({
    name: meta.name,
    help: meta.help,
    // prom-client's MetricType is a type-only enum of these same strings.
    type: meta.type as unknown as MetricType,
    values: samples(),
    aggregator: 'sum' as const,
  });
  return Object.assign(metric, { get: data, getForPromString: data });
}

function histogramSamples(s: LifetimeSeries): Sample[] {
  const name = 'gateway_request_duration_seconds';
  const hist = s.counters.latencyHistogram;
  const out: Sample[] = [];
  let cumulative = 0;
  LATENCY_BOUNDS_MS.forEach((bound, i) => {
    cumulative += hist[i] ?? 0;
    out.push({ metricName: `${name}_bucket`, labels: { ...base(s), le: String(bound / 1000) }, value: cumulative });
  });
  cumulative += hist[LATENCY_BOUNDS_MS.length] ?? 0;
  out.push({ metricName: `${name}_bucket`, labels: { ...base(s), le: '+Inf' }, value: cumulative });
  out.push({ metricName: `${name}_sum`, labels: base(s), value: s.counters.latencySumMs / 1000 });
  out.push({ metricName: `${name}_count`, labels: base(s), value: cumulative });
  return out;
}

/** The proxy's Prometheus registry. */
export class PrometheusMetrics {
  readonly registry = new Registry();
  private readonly firstByte: Histogram<'model' | 'target'>;
  private readonly own = new Set<string>();
  private readonly gauges = new Map<string, { samples: GaugeSample[] }>();

  constructor(
    private readonly stats: UsageStats,
    opts: { processMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    const family = (
      kind: 'counter' | 'histogram',
      name: string,
      help: string,
      labelNames: readonly string[],
      f: () => Sample[],
    ): void => {
      this.own.add(name);
      const metric =
        kind === 'counter'
          ? new Counter({ name, help, labelNames, registers })
          : new Histogram({ name, help, labelNames, buckets: LATENCY_BOUNDS_MS.map((b) => b / 1000), registers });
      computed(metric, { name, help, type: kind }, f);
    };
    const series = () => sortedSeries(this.stats);
    family(
      'counter',
      'gateway_requests_total',
      'Requests answered, by status class (4xx excludes 429).',
      [...SERIES_LABELS, 'status_class'],
      () =>
        series().flatMap((s) =>
          STATUS_CLASSES.map(([cls, f]) => ({ labels: { ...base(s), status_class: cls }, value: s.counters[f] })),
        ),
    );
    family(
      'counter',
      'gateway_tokens_total',
      'Tokens reported by the upstream, by kind.',
      [...SERIES_LABELS, 'kind'],
      () =>
        series().flatMap((s) =>
          TOKEN_KINDS.map(([kind, f]) => ({ labels: { ...base(s), kind }, value: s.counters[f] })),
        ),
    );
    family(
      'counter',
      'gateway_image_bytes_saved_total',
      'Request bytes saved by image compression.',
      SERIES_LABELS,
      () => series().map((s) => ({ labels: base(s), value: s.counters.imageBytesSaved })),
    );
    family(
      'counter',
      'gateway_spend_total',
      'Spend in the gateway currency at the serving target price.',
      SERIES_LABELS,
      () => series().map((s) => ({ labels: base(s), value: s.counters.cost })),
    );
    family(
      'histogram',
      'gateway_request_duration_seconds',
      'Request latency as seen by the proxy.',
      SERIES_LABELS,
      () => series().flatMap(histogramSamples),
    );
    this.firstByte = new Histogram({
      name: 'gateway_time_to_first_byte_seconds',
      help: 'Time from the request until the upstream answer began (its response headers), per model and target, since the proxy started.',
      labelNames: ['model', 'target'],
      buckets: LATENCY_BOUNDS_MS.map((b) => b / 1000),
      registers,
    });
    this.own.add('gateway_time_to_first_byte_seconds');
    if (opts.processMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** Notes one request's time to first byte. */
  observeFirstByte(model: string, target: string, seconds: number): void {
    this.firstByte.observe({ model, target }, seconds);
  }

  /**
   * The exposition with `gauges` added. Bad names are a programming error of the caller, so they
   * throw rather than emit broken text.
   */
  async render(gauges: GaugeSample[] = []): Promise<string> {
    const byName = new Map<string, GaugeSample[]>();
    for (const g of gauges) {
      if (!METRIC_NAME.test(g.name) || this.own.has(g.name)) throw new TypeError(`invalid gauge name: ${g.name}`);
      for (const label of Object.keys(g.labels ?? {}))
        if (!LABEL_NAME.test(label) || label.startsWith('__')) throw new TypeError(`invalid label name: ${label}`);
      const list = byName.get(g.name);
      if (list) list.push(g);
      else byName.set(g.name, [g]);
    }
    for (const holder of this.gauges.values()) holder.samples = [];
    for (const [name, samples] of byName) {
      let holder = this.gauges.get(name);
      if (!holder) {
        const h = { samples: [] as GaugeSample[] };
        const help = samples[0]?.help || name;
        computed(new Gauge({ name, help, registers: [this.registry] }), { name, help, type: 'gauge' }, () =>
          h.samples.map((g) => ({ labels: g.labels ?? {}, value: g.value })),
        );
        this.gauges.set(name, h);
        holder = h;
      }
      holder.samples = samples;
    }
    return this.registry.metrics();
  }
}

/** Renders the lifetime counters of `stats` (and any extra gauges) once, without process metrics (tests, tools). */
export function renderPrometheus(stats: UsageStats, extra: { gauges?: GaugeSample[] } = {}): Promise<string> {
  return new PrometheusMetrics(stats).render(extra.gauges);
}
