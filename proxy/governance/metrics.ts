/**
 * Governance as Prometheus gauges on /metrics: spend per key and team for each period, how much
 * of each budget is used, requests in flight, and which budget thresholds were crossed in the
 * current period (1 per crossed threshold), so alerting rules can fire on them.
 */
import type { Config } from '../../common/config/schema.js';
import type { GaugeSample } from '../observe/prometheus.js';
import { periodKey } from './calendar.js';
import type { GovernanceView } from './state.js';

/** The gauges of `view` under `config`'s budgets. */
export function governanceGauges(view: GovernanceView, config: Readonly<Config>, now = Date.now()): GaugeSample[] {
  const out: GaugeSample[] = [];
  const currency = config.server.currency;
  const budgets = new Map<string, { amount: number; period: 'day' | 'month' | 'total' }>();
  for (const k of config.apiKeys) if (k.budget) budgets.set(`key:${k.id}`, k.budget);
  for (const t of config.teams) if (t.budget) budgets.set(`team:${t.id}`, t.budget);
  for (const [scope, u] of Object.entries(view.scopes)) {
    for (const [period, value] of [
      ['day', u.spendToday],
      ['month', u.spendThisMonth],
      ['total', u.spendTotal],
    ] as const) {
      out.push({
        name: 'gateway_spend',
        help: `Spend in ${currency} in the current period`,
        labels: { scope, period, currency },
        value,
      });
    }
    out.push({
      name: 'gateway_requests_in_flight',
      help: 'Governed requests in flight',
      labels: { scope },
      value: u.inFlight,
    });
    const budget = budgets.get(scope);
    if (budget) {
      const spend =
        budget.period === 'day' ? u.spendToday : budget.period === 'month' ? u.spendThisMonth : u.spendTotal;
      out.push({
        name: 'gateway_budget_used_ratio',
        help: 'Spend divided by the budget (1 = exhausted)',
        labels: { scope, period: budget.period },
        value: spend / budget.amount,
      });
    }
  }
  const current = new Set([periodKey('day', now), periodKey('month', now), 'total']);
  for (const a of view.alerts) {
    if (!current.has(a.period)) continue;
    out.push({
      name: 'gateway_budget_alert',
      help: 'Budget thresholds crossed in the current period',
      labels: { scope: a.scope, threshold: String(a.threshold) },
      value: 1,
    });
  }
  return out;
}
