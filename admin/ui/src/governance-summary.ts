/**
 * How a key's or team's limits, budget and spend read in the lists: a short summary of the
 * limits, the budget's use in its current period, and the alerts crossed in that period. Periods
 * are UTC calendar days and months, as the proxy counts them (docs/governance.md). DOM-free, so
 * unit tests import it.
 */
import { isRecord } from './api.js';
import { compact, money } from './format.js';
import { budgetPeriodOf, LIMIT_NAMES, type BudgetPeriod, type LimitName } from './governance-values.js';
import { t, type MsgKey } from './i18n.js';

type Json = Record<string, unknown>;

const SHORT: Record<LimitName, MsgKey> = {
  requestsPerMinute: 'gov.short.requestsPerMinute',
  tokensPerMinute: 'gov.short.tokensPerMinute',
  tokensPerDay: 'gov.short.tokensPerDay',
  tokensPerMonth: 'gov.short.tokensPerMonth',
  maxConcurrent: 'gov.short.maxConcurrent',
};

const PER: Record<BudgetPeriod, MsgKey> = {
  day: 'gov.per.day',
  month: 'gov.per.month',
  total: 'gov.per.total',
};

/** "60 req/min · 60K tok/min · $100/day": each limit set and the budget; "" when there are none. */
export function limitsSummary(entry: Json, currency: string): string {
  const limits = isRecord(entry.limits) ? entry.limits : {};
  const parts = LIMIT_NAMES.flatMap((n) => {
    const v = limits[n];
    return typeof v === 'number' ? [t(SHORT[n], { n: compact(v) })] : [];
  });
  const budget = isRecord(entry.budget) ? entry.budget : undefined;
  if (budget && typeof budget.amount === 'number') {
    parts.push(t(PER[budgetPeriodOf(budget)], { amount: money(budget.amount, currency) }));
  }
  return parts.join(' · ');
}

/** The spend counted in a budget's period, from a scope's usage (`spendToday`, `spendThisMonth`, `spendTotal`). */
export function periodSpend(period: BudgetPeriod, usage: unknown): number {
  const u = isRecord(usage) ? usage : {};
  const v = period === 'day' ? u.spendToday : period === 'month' ? u.spendThisMonth : u.spendTotal;
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** A budget's use in its period, and how it should look: below every alert, past one, or spent. */
export interface BudgetUse {
  period: BudgetPeriod;
  amount: number;
  spend: number;
  /** spend / amount (above 1 when overshot: requests in flight finish). */
  ratio: number;
  tone: 'ok' | 'warn' | 'error';
}

/** The use of `entry`'s budget given its usage counters; undefined without a budget. */
export function budgetUse(entry: Json, usage: unknown): BudgetUse | undefined {
  const budget = isRecord(entry.budget) ? entry.budget : undefined;
  if (!budget || typeof budget.amount !== 'number' || !(budget.amount > 0)) return undefined;
  const period = budgetPeriodOf(budget);
  const spend = periodSpend(period, usage);
  const ratio = spend / budget.amount;
  const alerts = Array.isArray(budget.alertAt) ? budget.alertAt.filter((a) => typeof a === 'number') : [0.5, 0.8];
  const firstAlert = Math.min(1, ...alerts);
  return {
    period,
    amount: budget.amount,
    spend,
    ratio,
    tone: ratio >= 1 ? 'error' : ratio >= firstAlert ? 'warn' : 'ok',
  };
}

/** The name of the period containing `now` (`2026-12-04`, `2026-12`, `total`), as alerts carry it. */
export function periodKey(period: BudgetPeriod, now: number): string {
  if (period === 'total') return 'total';
  const iso = new Date(now).toISOString();
  return period === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** A budget alert: the fraction crossed and when. */
export interface CrossedAlert {
  threshold: number;
  at: string;
}

/** The alerts of `alerts` crossed in the budget's current period, lowest threshold first. */
export function alertsThisPeriod(alerts: unknown, entry: Json, now: number): CrossedAlert[] {
  const period = budgetPeriodOf(entry.budget);
  const key = periodKey(period, now);
  return (Array.isArray(alerts) ? alerts.filter(isRecord) : [])
    .filter((a) => a.period === key && typeof a.threshold === 'number')
    .map((a) => ({ threshold: Number(a.threshold), at: String(a.at ?? '') }))
    .sort((a, b) => a.threshold - b.threshold);
}
