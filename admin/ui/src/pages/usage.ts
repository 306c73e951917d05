/**
 * Usage: requests by status class, tokens (prompt / cached / completion / reasoning), errors and
 * latency over time, filtered by model, key and time range; totals by model, key and target; CSV.
 */
import { getJson, isRecord } from '../api.js';
import { chart, type ChartSeries } from '../chart.js';
import { config } from '../config-state.js';
import { download, h, icon, mount } from '../dom.js';
import { bytes, compact, ms, num } from '../format.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { busyWith, card, control, empty, errorBox, loading, pageHeader, segmented, table } from '../ui.js';

type Json = Record<string, unknown>;
type Counters = Record<string, number | null>;
type Range = '1h' | '6h' | '24h' | '7d' | '30d';

const RANGES: Record<Range, number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 };
const REFRESH_MS = 10_000;
const COUNTERS = ['requests', 's2xx', 's4xx', 's429', 's5xx', 'sOther', 'promptTokens', 'completionTokens', 'totalTokens', 'cachedTokens', 'reasoningTokens', 'imageBytesSaved', 'latencySumMs', 'latencyMaxMs', 'latencyP50Ms', 'latencyP95Ms'] as const;

/** Filters survive navigation and language switches. */
const filters = { range: '24h' as Range, model: '', key: '', auto: true };

interface Report {
  from: number;
  to: number;
  stepMs: number;
  resolution: string;
  series: (Counters & { t: number })[];
  totals: Counters;
  byModel: Record<string, Counters>;
  byKey: Record<string, Counters>;
  byTarget: Record<string, Counters>;
}

function counters(v: unknown): Counters {
  const src = isRecord(v) ? v : {};
  const out: Counters = {};
  for (const k of COUNTERS) out[k] = typeof src[k] === 'number' ? src[k] : k.startsWith('latencyP') ? null : 0;
  return out;
}

function asReport(v: unknown): Report {
  const r = isRecord(v) ? v : {};
  const rec = (x: unknown) => Object.fromEntries(Object.entries(isRecord(x) ? x : {}).map(([k, c]) => [k, counters(c)]));
  return {
    from: Number(r.from) || 0,
    to: Number(r.to) || 0,
    stepMs: Number(r.stepMs) || 60_000,
    resolution: String(r.resolution ?? ''),
    series: (Array.isArray(r.series) ? r.series : []).filter(isRecord).map((p) => ({ ...counters(p), t: Number(p.t) })),
    totals: counters(r.totals),
    byModel: rec(r.byModel),
    byKey: rec(r.byKey),
    byTarget: rec(r.byTarget),
  };
}

/** Dense buckets from `from` to `to` (the report omits empty ones). */
function dense(report: Report): { x: number[]; at: (i: number) => Counters | undefined } {
  const step = report.stepMs;
  const start = Math.floor(report.from / step) * step;
  const x: number[] = [];
  for (let t0 = start; t0 < report.to; t0 += step) x.push(t0);
  const byT = new Map(report.series.map((p) => [p.t, p]));
  return { x, at: (i) => byT.get(x[i] ?? -1) };
}

const v = (c: Counters | undefined, k: string): number => (c ? (c[k] ?? 0) : 0);

function charts(report: Report): HTMLElement {
  const { x, at } = dense(report);
  const series = (parts: [string, number, (c: Counters | undefined) => number | null][]): ChartSeries[] =>
    parts.map(([name, slot, f]) => ({ name, slot, values: x.map((_, i) => f(at(i))) }));
  const total = (k: string) => num(v(report.totals, k));
  const common = { x, stepMs: report.stepMs, emptyText: t('usage.noData') };
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
      summary: t('usage.summaryLatency', { p50: ms(report.totals.latencyP50Ms), p95: ms(report.totals.latencyP95Ms) }),
      series: series([
        [t('usage.avg'), 1, (c) => (c && v(c, 'requests') ? v(c, 'latencySumMs') / v(c, 'requests') : null)],
        ['p50', 2, (c) => (c && v(c, 'requests') ? (c.latencyP50Ms ?? null) : null)],
        ['p95', 3, (c) => (c && v(c, 'requests') ? (c.latencyP95Ms ?? null) : null)],
        [t('usage.max'), 4, (c) => (c && v(c, 'requests') ? v(c, 'latencyMaxMs') : null)],
      ]),
    }),
  );
}

function totalsTable(caption: string, first: string, groups: Record<string, Counters>, totals: Counters, name: (k: string) => string): HTMLElement {
  const entries = Object.entries(groups).sort((a, b) => v(b[1], 'requests') - v(a[1], 'requests'));
  if (!entries.length) return empty(t('usage.noData'));
  const row = (label: string, c: Counters) => [
    label,
    num(v(c, 'requests')),
    num(v(c, 's2xx')),
    num(v(c, 's4xx')),
    num(v(c, 's429')),
    num(v(c, 's5xx')),
    num(v(c, 'promptTokens')),
    num(v(c, 'cachedTokens')),
    num(v(c, 'completionTokens')),
    num(v(c, 'reasoningTokens')),
    num(v(c, 'totalTokens')),
    v(c, 'requests') ? ms(v(c, 'latencySumMs') / v(c, 'requests')) : '—',
    ms(c.latencyP95Ms),
    bytes(v(c, 'imageBytesSaved')),
  ];
  const rows = entries.map(([k, c]) => row(name(k), c));
  if (entries.length > 1) rows.push(row(t('usage.total'), totals));
  return table(
    caption,
    [first, t('usage.requests'), '2xx', '4xx', '429', '5xx', t('usage.prompt'), t('usage.cached'), t('usage.completion'), t('usage.reasoning'), t('usage.totalTokens'), t('usage.avg'), 'p95', t('usage.imageSaved')],
    rows,
    { numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], class: 'totals' },
  );
}

function csv(report: Report): string {
  const { x, at } = dense(report);
  const cols = COUNTERS.filter((k) => k !== 'latencyP50Ms' && k !== 'latencyP95Ms');
  const lines = [['time', ...cols, 'latencyP50Ms', 'latencyP95Ms'].join(',')];
  x.forEach((t0, i) => {
    const c = at(i);
    lines.push([new Date(t0).toISOString(), ...cols.map((k) => String(v(c, k))), String(c?.latencyP50Ms ?? ''), String(c?.latencyP95Ms ?? '')].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** The Usage page. */
export const usagePage: Page = {
  title: 'nav.usage',
  async render(root, signal) {
    let keys: Json[] = [];
    const body = h('div', { class: 'stack' }, loading());
    const modelSelect = h('select', null, h('option', { value: '' }, t('usage.allModels')));
    const keySelect = h('select', null, h('option', { value: '' }, t('usage.allKeys')));
    const auto = h('input', { type: 'checkbox', id: 'usage-auto', checked: filters.auto });
    let report: Report | undefined;
    const exportBtn = h('button', { type: 'button', class: 'btn btn-secondary', disabled: true, onClick: () => report && download(`usage-${new Date(report.from).toISOString().slice(0, 16)}-${filters.range}.csv`, csv(report)) }, icon('download', 16), t('usage.csv'));

    const fillOptions = (select: HTMLSelectElement, values: { value: string; label: string }[], selected: string) => {
      const first = select.options[0];
      select.replaceChildren(...(first ? [first] : []), ...values.map((o) => h('option', { value: o.value }, o.label)));
      select.value = values.some((o) => o.value === selected) ? selected : '';
    };

    const load = async () => {
      const to = Date.now();
      const q = new URLSearchParams({ from: String(to - RANGES[filters.range]), to: String(Math.ceil(to / 60_000) * 60_000) });
      if (filters.model) q.set('model', filters.model);
      if (filters.key) q.set('key', filters.key);
      try {
        report = asReport(await getJson(`/usage?${q}`, signal));
      } catch (err) {
        if (signal.aborted) return;
        mount(body, errorBox(err));
        return;
      }
      if (signal.aborted) return;
      exportBtn.disabled = false;
      const label = (k: string) => {
        const key = keys.find((x) => x.id === k);
        return k === '' ? t('usage.noKey') : key?.label ? `${String(key.label)} (${k})` : k;
      };
      const models = [...new Set([...(Array.isArray(config.original?.models) ? config.original.models.filter(isRecord).map((m) => String(m.id)) : []), ...Object.keys(report.byModel)])];
      fillOptions(modelSelect, models.map((m) => ({ value: m, label: m })), filters.model);
      const keyIds = [...new Set([...keys.map((k) => String(k.id)), ...Object.keys(report.byKey)])];
      fillOptions(keySelect, keyIds.map((k) => ({ value: k, label: label(k) })), filters.key);
      const r = report;
      mount(
        body,
        h('p', { class: 'muted small', 'data-testid': 'usage-meta' }, t('usage.meta', { n: num(v(r.totals, 'requests')), res: r.resolution === 'minute' ? t('usage.perMinute') : t('usage.perHour'), time: new Date().toLocaleTimeString() })),
        charts(r),
        card(t('usage.byModel'), totalsTable(t('usage.byModel'), t('usage.model'), r.byModel, r.totals, (k) => k || '—')),
        card(t('usage.byKey'), totalsTable(t('usage.byKey'), t('usage.key'), r.byKey, r.totals, label)),
        card(t('usage.byTarget'), totalsTable(t('usage.byTarget'), t('usage.target'), r.byTarget, r.totals, (k) => k || t('usage.noTarget'))),
      );
      body.setAttribute('data-requests', String(v(r.totals, 'requests')));
    };

    modelSelect.addEventListener('change', () => {
      filters.model = modelSelect.value;
      void load();
    });
    keySelect.addEventListener('change', () => {
      filters.key = keySelect.value;
      void load();
    });
    auto.addEventListener('change', () => {
      filters.auto = auto.checked;
    });

    const rangeOptions = (Object.keys(RANGES) as Range[]).map((r) => ({ value: r, label: t(`usage.range.${r}`) }));
    mount(
      root,
      pageHeader(t('nav.usage'), t('usage.lead'), exportBtn),
      h(
        'div',
        { class: 'toolbar card' },
        h('div', { class: 'field' }, h('span', { class: 'label', id: 'range-label' }, t('usage.range')), segmented(t('usage.range'), rangeOptions, filters.range, (r) => {
          filters.range = r;
          void load();
        })),
        control(t('usage.model'), modelSelect),
        control(t('usage.key'), keySelect),
        h('div', { class: 'field field-check' }, h('div', { class: 'check' }, auto, h('label', { for: 'usage-auto' }, t('usage.auto')))),
      ),
      body,
    );
    const [keyList] = await Promise.allSettled([getJson<Json>('/keys', signal), config.ensure()]);
    if (keyList.status === 'fulfilled' && Array.isArray(keyList.value.data)) keys = keyList.value.data.filter(isRecord);
    await load();
    const timer = setInterval(() => {
      if (filters.auto && !busyWith(body)) void load();
    }, REFRESH_MS);
    signal.addEventListener('abort', () => clearInterval(timer));
  },
};
