/** The report's part of the Usage page: what it covers, the charts and the totals tables. */
import { component, type Self } from '../../component.js';
import { errorBox, loading } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { h, type Child } from '../../dom.js';
import { money, num, timeOfDay } from '../../format.js';
import { t } from '../../i18n.js';
import { charts } from './charts.js';
import { count, type Report } from './report.js';
import { totalsTable } from './totals-table.js';

/** The body's state: the first report on its way, a failed load, or a report read at `time`. */
export type UsageView =
  | { phase: 'loading' }
  | { phase: 'failed'; error: unknown }
  | { phase: 'ready'; report: Report; time: number; keyName: (id: string) => string; currency: string };

function UsageBody(_: null, self: Self<{ view: UsageView }>): Child {
  const { view } = self.state;
  if (view.phase === 'loading') return loading();
  if (view.phase === 'failed') return errorBox(view.error);
  const { report: r, keyName, currency } = view;
  // What the browser test reads to see the requests arrive.
  self.host.setAttribute('data-requests', String(count(r.totals, 'requests')));
  return [
    h(
      'p',
      { class: 'muted small', 'data-testid': 'usage-meta' },
      t('usage.meta', {
        n: num(count(r.totals, 'requests')),
        cost: money(count(r.totals, 'cost'), currency),
        res: r.resolution === 'minute' ? t('usage.perMinute') : t('usage.perHour'),
        time: timeOfDay(view.time),
      }),
    ),
    charts(r),
    card(
      t('usage.byModel'),
      totalsTable(t('usage.byModel'), t('usage.model'), r, 'byModel', currency, (k) => k || '—'),
    ),
    card(t('usage.byKey'), totalsTable(t('usage.byKey'), t('usage.key'), r, 'byKey', currency, keyName)),
    card(
      t('usage.byTarget'),
      totalsTable(t('usage.byTarget'), t('usage.target'), r, 'byTarget', currency, (k) => k || t('usage.noTarget')),
    ),
  ];
}

/** The body, loading until the first report is set. */
export function usageBody(): Self<{ view: UsageView }> {
  return component(h('div', { class: 'stack' }), UsageBody, null, { view: { phase: 'loading' } });
}
