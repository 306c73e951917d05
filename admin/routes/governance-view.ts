/**
 * The proxy's governance counters as the key and team lists show them. The lists still answer
 * when the proxy does not (its counters are then simply absent), since they are config first.
 */
import type { AdminContext } from '../context.js';
import { isRecord } from '../http-call.js';

/** What `/internal/governance` answers, narrowed. */
export interface GovernanceSnapshot {
  scopes: Record<string, Record<string, number>>;
  lastUsed: Record<string, string>;
  alerts: Array<Record<string, unknown>>;
}

/** The proxy's governance view, or undefined when it cannot be had. */
export async function governanceView(ctx: AdminContext): Promise<GovernanceSnapshot | undefined> {
  const raw = await ctx.proxy.governance().catch(() => undefined);
  if (!isRecord(raw) || !isRecord(raw.scopes) || !isRecord(raw.lastUsed)) return undefined;
  return {
    scopes: raw.scopes as GovernanceSnapshot['scopes'],
    lastUsed: raw.lastUsed as Record<string, string>,
    alerts: Array.isArray(raw.alerts) ? raw.alerts.filter(isRecord) : [],
  };
}

/** The counters of one scope (`key:<id>` or `team:<id>`), zeros when it has none yet. */
export function scopeUsage(view: GovernanceSnapshot, scope: string): Record<string, number> {
  return (
    view.scopes[scope] ?? {
      requestsLastMinute: 0,
      tokensLastMinute: 0,
      tokensToday: 0,
      tokensThisMonth: 0,
      inFlight: 0,
      spendToday: 0,
      spendThisMonth: 0,
      spendTotal: 0,
    }
  );
}
