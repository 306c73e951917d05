/** The totals of a report by model, key or target, busiest first, with a total row; cost in the server's currency. */
import { empty } from '../../components/alerts.js';
import { table } from '../../components/table.js';
import { bytes, money, ms, num } from '../../format.js';
import { t } from '../../i18n.js';
import { count as v, type Counters, type Report } from './report.js';

function row(label: string, c: Counters, currency: string): string[] {
  return [
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
    money(v(c, 'cost'), currency),
    v(c, 'requests') ? ms(v(c, 'latencySumMs') / v(c, 'requests')) : '—',
    ms(c.latencyP95Ms),
    bytes(v(c, 'imageBytesSaved')),
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
  const entries = Object.entries(report[by]).sort((a, b) => v(b[1], 'requests') - v(a[1], 'requests'));
  if (!entries.length) return empty(t('usage.noData'));
  const rows = entries.map(([k, c]) => row(name(k), c, currency));
  if (entries.length > 1) rows.push(row(t('usage.total'), report.totals, currency));
  return table(
    caption,
    [
      first,
      t('usage.requests'),
      '2xx',
      '4xx',
      '429',
      '5xx',
      t('usage.prompt'),
      t('usage.cached'),
      t('usage.completion'),
      t('usage.reasoning'),
      t('usage.totalTokens'),
      t('usage.cost', { currency }),
      t('usage.avg'),
      'p95',
      t('usage.imageSaved'),
    ],
    rows,
    { numeric: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], class: 'totals' },
  );
}
