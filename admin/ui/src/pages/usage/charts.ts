/** The four usage charts: requests by status class, tokens, errors, latency. */
import { chart, type ChartSeries } from '../../components/chart.js';
import { h } from '../../dom.js';
import { compact, ms, num } from '../../format.js';
import { t } from '../../i18n.js';
import { count as v, dense, type Counters, type Report } from './report.js';
import { latencyText } from './latency-text.js';

type Part = [string, number, (c: Counters | undefined) => number | null];

/** The charts of `report`, two by two. */
export function charts(report: Report): HTMLElement {
  const { x, at } = dense(report);
  const series = (parts: Part[]): ChartSeries[] =>
    parts.map(([name, slot, f]) => ({ name, slot, values: x.map((_, i) => f(at(i))) }));
  const total = (k: string) => num(v(report.totals, k));
  const common = { x, stepMs: report.stepMs, emptyText: t('usage.noData') };
  const latency = (f: (c: Counters) => number | null) => (c: Counters | undefined) =>
    c && v(c, 'requests') ? f(c) : null;
  return h(
    'div',
    { class: 'grid-2 charts' },
    chart({
      ...common,
      title: t('usage.chartRequests'),
      kind: 'stacked',
      integer: true,
      format: compact,
      summary: t('usage.summaryRequests', { n: total('requests'), ok: total('s2xx') }),
      series: series([
        ['2xx', 2, (c) => v(c, 's2xx')],
        ['4xx', 3, (c) => v(c, 's4xx')],
        ['429', 5, (c) => v(c, 's429')],
        ['5xx', 4, (c) => v(c, 's5xx')],
        [t('usage.other'), 6, (c) => v(c, 'sOther')],
      ]),
    }),
    chart({
      ...common,
      title: t('usage.chartTokens'),
      kind: 'stacked',
      integer: true,
      format: compact,
      summary: t('usage.summaryTokens', { n: total('totalTokens') }),
      series: series([
        [t('usage.promptUncached'), 1, (c) => Math.max(0, v(c, 'promptTokens') - v(c, 'cachedTokens'))],
        [t('usage.cached'), 2, (c) => v(c, 'cachedTokens')],
        [t('usage.completionOnly'), 5, (c) => Math.max(0, v(c, 'completionTokens') - v(c, 'reasoningTokens'))],
        [t('usage.reasoning'), 3, (c) => v(c, 'reasoningTokens')],
      ]),
    }),
    chart({
      ...common,
      title: t('usage.chartErrors'),
      kind: 'stacked',
      integer: true,
      format: compact,
      summary: t('usage.summaryErrors', { s4xx: total('s4xx'), s429: total('s429'), s5xx: total('s5xx') }),
      emptyText: t('usage.noErrors'),
      series: series([
        ['4xx', 3, (c) => v(c, 's4xx')],
        ['429', 5, (c) => v(c, 's429')],
        ['5xx', 4, (c) => v(c, 's5xx')],
        [t('usage.otherAborted'), 6, (c) => v(c, 'sOther')],
      ]),
    }),
    chart({
      ...common,
      title: t('usage.chartLatency'),
      kind: 'lines',
      format: (n) => ms(n),
      summary: t('usage.summaryLatency', {
        p50: latencyText(report.totals, 'P50'),
        p95: latencyText(report.totals, 'P95'),
        p99: latencyText(report.totals, 'P99'),
        max: ms(report.totals.latencyMaxMs),
      }),
      series: series([
        [t('usage.avg'), 1, latency((c) => v(c, 'latencySumMs') / v(c, 'requests'))],
        ['p50', 2, latency((c) => c.latencyP50Ms ?? null)],
        ['p95', 3, latency((c) => c.latencyP95Ms ?? null)],
        [t('usage.max'), 4, latency((c) => v(c, 'latencyMaxMs'))],
      ]),
    }),
  );
}
