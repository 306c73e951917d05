/**
 * The totals of a report by model, key or target, busiest first, sortable by any column, with the
 * total row kept last; cost in the server's currency. The columns an operator compares (requests,
 * errors, tokens, cost, average and p95 latency) come first so they stay in view at laptop width;
 * the breakdowns follow.
 */
import { empty } from '../../components/alerts.js';
import { sortableTable, type SortColumn } from '../../components/sortable-table.js';
import { bytes, money, ms, num } from '../../format.js';
import { t } from '../../i18n.js';
import { count as v, type Counters, type Report } from './report.js';
import { latencyText } from './latency-text.js';

const COUNTS = ['requests', 's4xx', 's429', 's5xx', 'totalTokens'] as const;
const DETAIL = ['s2xx', 'promptTokens', 'cachedTokens', 'completionTokens', 'reasoningTokens'] as const;

function average(c: Counters): number | null {
  return v(c, 'requests') ? v(c, 'latencySumMs') / v(c, 'requests') : null;
}

function cells(label: string, c: Counters, currency: string): string[] {
  const avg = average(c);
  return [
    label,
    ...COUNTS.map((k) => num(v(c, k))),
    money(v(c, 'cost'), currency),
    avg === null ? '—' : ms(avg),
    latencyText(c, 'P95'),
    ...DETAIL.map((k) => num(v(c, k))),
    bytes(v(c, 'imageBytesSaved')),
  ];
}

function keys(label: string, c: Counters): (number | string)[] {
  return [
    label,
    ...COUNTS.map((k) => v(c, k)),
    v(c, 'cost'),
    average(c) ?? -1,
    c.latencyP95Ms ?? -1,
    ...DETAIL.map((k) => v(c, k)),
    v(c, 'imageBytesSaved'),
  ];
}

function columns(first: string, currency: string): SortColumn[] {
  const n = (label: string): SortColumn => ({ label, numeric: true });
  return [
    { label: first },
    n(t('usage.requests')),
    n('4xx'),
    n('429'),
    n('5xx'),
    n(t('usage.totalTokens')),
    n(t('usage.cost', { currency })),
    n(t('usage.avg')),
    n('p95'),
    n('2xx'),
    n(t('usage.prompt')),
    n(t('usage.cached')),
    n(t('usage.completion')),
    n(t('usage.reasoning')),
    n(t('usage.imageSaved')),
  ];
}

/** A table of the report's groups `by`, whose first column is `first`, each group named by `name`. */
export function totalsTable(
  caption: string,
  first: string,
  report: Report,
  by: 'byModel' | 'byKey' | 'byTarget',
  currency: string,
  name: (k: string) => string,
): HTMLElement {
  const entries = Object.entries(report[by]);
  if (!entries.length) return empty(t('usage.noData'));
  const rows = entries.map(([k, c]) => ({ cells: cells(name(k), c, currency), keys: keys(name(k), c) }));
  return sortableTable(`usage-${by}`, caption, columns(first, currency), rows, {
    class: 'totals',
    initial: { col: 1, dir: 'descending' },
    footer: entries.length > 1 ? cells(t('usage.total'), report.totals, currency) : undefined,
  });
}
