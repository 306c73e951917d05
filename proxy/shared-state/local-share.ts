/**
 * What one replica may admit on its own while Redis is unreachable (docs/shared-state.md, "When
 * Redis is down or slow"). With N replicas alive at the last contact, each admits:
 * - 1/N of every per-minute limit and of `maxConcurrent` (rounded down, at least 1);
 * - 1/N of what was left of each day and month token quota and of each budget at the last
 *   reading (rounded down for tokens; nothing once it was used up).
 * The replicas together therefore stay within the limits, give or take the rounding up to 1 and
 * what the minute windows held when Redis went away. Budget alerts are left to the shared ledger.
 */
import type { Limits } from '../../common/config/schema.js';
import type { AdmissionPlan, ScopePlan, ScopeUsage } from '../governance/state.js';

const perReplica = (v: number, n: number) => Math.max(1, Math.floor(v / n));
const leftPerReplica = (limit: number, used: number, n: number) => Math.max(0, Math.floor((limit - used) / n));

/** The plan with each scope's limits cut to this replica's share. */
export function localShare(
  plan: AdmissionPlan,
  replicas: number,
  usage: (scope: string) => ScopeUsage | undefined,
): AdmissionPlan {
  const n = Math.max(1, replicas);
  return { ...plan, scopes: plan.scopes.map((sp) => shareOf(sp, n, usage(sp.scope))) };
}

function shareOf(sp: ScopePlan, n: number, u: ScopeUsage | undefined): ScopePlan {
  const l = sp.limits;
  const limits: Limits = {};
  if (l.requestsPerMinute !== undefined) limits.requestsPerMinute = perReplica(l.requestsPerMinute, n);
  if (l.tokensPerMinute !== undefined) limits.tokensPerMinute = perReplica(l.tokensPerMinute, n);
  if (l.maxConcurrent !== undefined) limits.maxConcurrent = perReplica(l.maxConcurrent, n);
  if (l.tokensPerDay !== undefined) limits.tokensPerDay = leftPerReplica(l.tokensPerDay, u?.tokensToday ?? 0, n);
  if (l.tokensPerMonth !== undefined)
    limits.tokensPerMonth = leftPerReplica(l.tokensPerMonth, u?.tokensThisMonth ?? 0, n);
  if (!sp.budget) return { ...sp, limits };
  const spent =
    sp.budget.period === 'day' ? u?.spendToday : sp.budget.period === 'month' ? u?.spendThisMonth : u?.spendTotal;
  return {
    ...sp,
    limits,
    budget: { ...sp.budget, alertAt: [], amount: Math.max(0, (sp.budget.amount - (spent ?? 0)) / n) },
  };
}
