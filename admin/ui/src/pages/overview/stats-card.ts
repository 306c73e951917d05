/** The last 24 hours at a glance: requests, error rate, tokens, latency. */
import { isRecord } from '../../api.js';
import { errorBox } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { h } from '../../dom.js';
import { num, percent } from '../../format.js';
import { t } from '../../i18n.js';
import { latencyText } from '../usage/latency-text.js';

type Json = Record<string, unknown>;

function stat(label: string, value: string, sub?: string): HTMLElement {
  return h(
    'div',
    { class: 'stat' },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: 'stat-value' }, value),
    sub ? h('div', { class: 'stat-sub' }, sub) : null,
  );
}

/** The four figures of the usage report `usage` (or the error that kept it away). */
export function statsCard(usage: Json | undefined, err: unknown): HTMLElement {
  if (!usage) return card(t('overview.last24h'), errorBox(err));
  const totals = isRecord(usage.totals) ? usage.totals : {};
  const n = (k: string) => Number(totals[k]) || 0;
  const requests = n('requests');
  const errors = n('s4xx') + n('s429') + n('s5xx');
  return card(
    t('overview.last24h'),
    h(
      'div',
      { class: 'tiles tiles-4' },
      stat(t('usage.requests'), num(requests), t('overview.ok', { n: num(n('s2xx')) })),
      stat(
        t('overview.errorRate'),
        requests ? percent(errors / requests) : '—',
        t('overview.errorsBreakdown', { s4xx: num(n('s4xx')), s429: num(n('s429')), s5xx: num(n('s5xx')) }),
      ),
      stat(
        t('usage.tokens'),
        num(n('totalTokens')),
        t('overview.tokensSplit', { p: num(n('promptTokens')), c: num(n('completionTokens')) }),
      ),
      stat(t('usage.p95'), latencyText(totals, 'P95'), t('overview.p50', { v: latencyText(totals, 'P50') })),
    ),
    {
      actions: h(
        'a',
        { href: '/admin/usage', 'data-nav': 'usage', class: 'btn btn-ghost btn-sm' },
        t('overview.openUsage'),
      ),
    },
  );
}
