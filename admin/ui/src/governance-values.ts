/**
 * The limits and budget fields of a key or a team (docs/governance.md): what the form shows for a
 * stored entry, and the `limits` and `budget` of the request body for what was typed, with the
 * problems found before anything is sent (by JSON pointer, as the server reports its own).
 * Alert thresholds are typed as percentages and stored as fractions. DOM-free, so unit tests
 * import it.
 */
import { isRecord, type Issue } from './api.js';
import { t } from './i18n.js';

type Json = Record<string, unknown>;

/** Key and team ids: what the config schema allows. */
export const ENTRY_ID = /^[A-Za-z0-9._:@-]+$/;

/** The limits a key or team may have, in the order the form shows them. */
export const LIMIT_NAMES = [
  'requestsPerMinute',
  'tokensPerMinute',
  'tokensPerDay',
  'tokensPerMonth',
  'maxConcurrent',
] as const;
/** One limit's name. */
export type LimitName = (typeof LIMIT_NAMES)[number];

/** The periods a budget counts in. */
export const BUDGET_PERIODS = ['day', 'month', 'total'] as const;
/** A budget's period. */
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** What the limits and budget inputs hold, as typed. */
export interface GovernanceValues {
  limits: Record<LimitName, string>;
  budgetAmount: string;
  budgetPeriod: BudgetPeriod;
  /** Percentages separated by commas ("50, 80"); empty: the default thresholds. */
  budgetAlerts: string;
}

/** A key's or team's request body, and what stops it being sent. */
export interface EntryBody {
  body: Json;
  problems: Issue[];
}

/** `limits` and `budget` of a request body (absent: none), and what stops it being sent. */
export interface GovernanceBody {
  limits?: Json;
  budget?: Json;
  problems: Issue[];
}

function text(v: unknown): string {
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : '';
}

/** A fraction as the percentage typed for it (0.8 → "80", without 80.00000000000001). */
function percentText(fraction: number): string {
  return String(Number((fraction * 100).toPrecision(12)));
}

/** The period of a stored budget (the schema's default when absent or unknown). */
export function budgetPeriodOf(budget: unknown): BudgetPeriod {
  const p = isRecord(budget) ? budget.period : undefined;
  return BUDGET_PERIODS.find((x) => x === p) ?? 'month';
}

/** The inputs' text for the `limits` and `budget` of a stored key or team. */
export function governanceValues(entry: Json): GovernanceValues {
  const limits = isRecord(entry.limits) ? entry.limits : {};
  const budget = isRecord(entry.budget) ? entry.budget : {};
  const alerts = Array.isArray(budget.alertAt) ? budget.alertAt.filter((a): a is number => typeof a === 'number') : [];
  return {
    limits: Object.fromEntries(LIMIT_NAMES.map((n) => [n, text(limits[n])])) as Record<LimitName, string>,
    budgetAmount: text(budget.amount),
    budgetPeriod: budgetPeriodOf(budget),
    budgetAlerts: alerts.map(percentText).join(', '),
  };
}

/** A number as typed, with digit grouping (spaces, commas, underscores) allowed; NaN when it is not one. */
function typedNumber(raw: string): number {
  const cleaned = raw.trim().replace(/[\s,_]/g, '');
  return cleaned === '' || !/^[+]?(\d+\.?\d*|\.\d+)$/.test(cleaned) ? NaN : Number(cleaned);
}

/** The `limits` and `budget` for what was typed: empty inputs are no limit, an empty amount no budget. */
export function governanceBody(v: GovernanceValues): GovernanceBody {
  const problems: Issue[] = [];
  const limits: Json = {};
  for (const name of LIMIT_NAMES) {
    const raw = v.limits[name].trim();
    if (raw === '') continue;
    const n = typedNumber(raw);
    if (Number.isInteger(n) && n >= 1) limits[name] = n;
    else problems.push({ path: `/limits/${name}`, message: t('gov.wholeNumber') });
  }
  const out: GovernanceBody = { problems };
  if (Object.keys(limits).length) out.limits = limits;
  if (v.budgetAmount.trim() === '') return out;
  const amount = typedNumber(v.budgetAmount);
  if (!(amount > 0)) problems.push({ path: '/budget/amount', message: t('gov.amountInvalid') });
  const budget: Json = { amount, period: v.budgetPeriod };
  if (v.budgetAlerts.trim() !== '') {
    const percents = v.budgetAlerts
      .split(/[,，;\s]+/)
      .filter(Boolean)
      .map((p) => typedNumber(p.replace(/%$/, '')));
    if (percents.some((p) => !(p > 0 && p < 100)))
      problems.push({ path: '/budget/alertAt', message: t('gov.alertsInvalid') });
    else budget.alertAt = [...new Set(percents)].sort((a, b) => a - b).map((p) => p / 100);
  }
  out.budget = budget;
  return out;
}

/** JSON with object keys sorted, so a stored value and the same value typed again compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A PATCH body: each field of `next` that differs from `before`, `null` for one no longer set. */
export function changedFields(before: Json, next: Record<string, unknown>): Json {
  const body: Json = {};
  for (const [field, value] of Object.entries(next)) {
    if (canonical(value ?? null) !== canonical(before[field] ?? null)) body[field] = value ?? null;
  }
  return body;
}
