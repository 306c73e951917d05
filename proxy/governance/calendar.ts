/**
 * The periods quotas and budgets count in: UTC calendar days and months (docs/governance.md), and
 * "total", which never rolls over. A period is named by its key (`2026-12-04`, `2026-12`, `total`).
 */

/** A calendar period of a quota or budget. */
export type CalendarPeriod = 'day' | 'month' | 'total';

/** The key of the period that contains `now` (epoch ms). */
export function periodKey(period: CalendarPeriod, now: number): string {
  if (period === 'total') return 'total';
  const iso = new Date(now).toISOString();
  return period === 'day' ? iso.slice(0, 10) : iso.slice(0, 7);
}

/** Epoch ms at which the period containing `now` ends (Infinity for "total"). */
export function periodEnd(period: CalendarPeriod, now: number): number {
  if (period === 'total') return Infinity;
  const d = new Date(now);
  return period === 'day'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}
