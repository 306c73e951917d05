/**
 * The embedded governance state: counters in the proxy's memory, day/month quota use, spend,
 * alerts and last use written to DATA_DIR/governance.json once a second when they changed, so a
 * crash (kill -9) loses at most about a second of them (docs/governance.md, "State"). Minute
 * windows are not persisted: a restart starts them empty, which can only admit less than the
 * limit would over the first minute, never more than the quotas allow.
 *
 * Atomicity: `admit` checks every limit of every scope and reserves in all of them in one
 * synchronous run, so concurrent requests (one event loop) can never both take the last unit.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../common/atomic-write.js';
import type { Limits } from '../../common/config/schema.js';
import { periodEnd, periodKey, type CalendarPeriod } from './calendar.js';
import { SlidingWindow, type WindowEntry } from './sliding-window.js';
import type {
  Admission,
  AdmissionPlan,
  BudgetAlert,
  GovernanceState,
  GovernanceView,
  RateLimitView,
  Refusal,
  ScopePlan,
  ScopeUsage,
  Settlement,
  Ticket,
} from './state.js';

/** How often changed counters are written. */
export const FLUSH_INTERVAL_MS = 1_000;
/** Hint for a refusal on concurrency: a slot frees as soon as a request in flight ends. */
export const CONCURRENCY_RETRY_MS = 1_000;
const MAX_ALERTS_KEPT = 200;

interface ScopeCounters {
  requests: SlidingWindow;
  tokens: SlidingWindow;
  inFlight: number;
  /** `tokens:day:2026-12-04`, `spend:month:2026-12`, `spend:total:total` → amount. */
  periods: Map<string, number>;
}

interface Reservation {
  scope: ScopeCounters;
  tokenEntry?: WindowEntry;
  /** Period keys (tokens:day:…, tokens:month:…) and what was reserved in them. */
  periodKeys: string[];
}

interface LedgerTicket extends Ticket {
  settled: boolean;
  reserved: number;
  reservations: Reservation[];
}

/** Where and how the ledger keeps its file. */
export interface LedgerOptions {
  /** DATA_DIR/governance.json; absent keeps everything in memory. */
  file?: string;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
  flushIntervalMs?: number;
}

interface LedgerFile {
  version: 1;
  counters: Record<string, Record<string, number>>;
  lastUsed: Record<string, number>;
  fired: string[];
  alerts: BudgetAlert[];
}

const tokenKey = (period: 'day' | 'month', now: number) => `tokens:${period}:${periodKey(period, now)}`;
const spendKey = (period: CalendarPeriod, now: number) => `spend:${period}:${periodKey(period, now)}`;

/** The in-process implementation of the governance state. */
export class EmbeddedLedger implements GovernanceState {
  private readonly scopes = new Map<string, ScopeCounters>();
  private readonly lastUsed = new Map<string, number>();
  private readonly fired = new Set<string>();
  private alerts: BudgetAlert[] = [];
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: LedgerOptions) {}

  /** Opens the ledger, restoring quota use and spend from its file when there is one. */
  static async open(opts: LedgerOptions): Promise<EmbeddedLedger> {
    const ledger = new EmbeddedLedger(opts);
    if (opts.file) {
      await ledger.restore(opts.file);
      ledger.timer = setInterval(() => void ledger.flush(), opts.flushIntervalMs ?? FLUSH_INTERVAL_MS);
      ledger.timer.unref();
    }
    return ledger;
  }

  admit(plan: AdmissionPlan, now = Date.now()): Promise<Admission> {
    return Promise.resolve(this.admitNow(plan, now));
  }

  settle(ticket: Ticket, settlement: Settlement, now = Date.now()): Promise<void> {
    this.settleNow(ticket as LedgerTicket, settlement, now);
    return Promise.resolve();
  }

  private admitNow(plan: AdmissionPlan, now: number): Admission {
    let refusal: Refusal | undefined;
    for (const sp of plan.scopes) {
      const found = this.check(sp, this.counters(sp.scope), plan.tokens, now);
      if (found && (!refusal || found.retryAfterMs > refusal.retryAfterMs)) refusal = found;
    }
    if (refusal) return { ok: false, refusal, view: this.viewOf(plan, now) };
    const reservations = plan.scopes.map((sp) => this.reserve(sp, plan.tokens, now));
    this.lastUsed.set(plan.keyId, now);
    this.dirty = true;
    const ticket: LedgerTicket = {
      plan,
      view: this.viewOf(plan, now),
      settled: false,
      reserved: plan.tokens,
      reservations,
    };
    return { ok: true, ticket };
  }

  // The first limit of `sp` that `tokens` more would break, or undefined.
  private check(sp: ScopePlan, c: ScopeCounters, tokens: number, now: number): Refusal | undefined {
    const l: Limits = sp.limits;
    const refuse = (limit: Refusal['limit'], value: number, retryAfterMs: number, code: Refusal['code']): Refusal => ({
      scope: sp,
      limit,
      value,
      retryAfterMs,
      code,
      requested: tokens,
      at: now,
    });
    if (l.maxConcurrent !== undefined && c.inFlight >= l.maxConcurrent)
      return refuse('maxConcurrent', l.maxConcurrent, CONCURRENCY_RETRY_MS, 'rate_limit_exceeded');
    if (l.requestsPerMinute !== undefined) {
      const wait = c.requests.waitFor(1, l.requestsPerMinute, now);
      if (wait > 0) return refuse('requestsPerMinute', l.requestsPerMinute, wait, 'rate_limit_exceeded');
    }
    if (l.tokensPerMinute !== undefined) {
      const wait = c.tokens.waitFor(tokens, l.tokensPerMinute, now);
      if (wait > 0) return refuse('tokensPerMinute', l.tokensPerMinute, wait, 'rate_limit_exceeded');
    }
    for (const period of ['day', 'month'] as const) {
      const limit = period === 'day' ? l.tokensPerDay : l.tokensPerMonth;
      if (limit === undefined) continue;
      const used = c.periods.get(tokenKey(period, now)) ?? 0;
      if (used + tokens > limit || used >= limit) {
        return refuse(
          period === 'day' ? 'tokensPerDay' : 'tokensPerMonth',
          limit,
          tokens > limit ? Infinity : periodEnd(period, now) - now,
          'insufficient_quota',
        );
      }
    }
    if (sp.budget) {
      const spend = c.periods.get(spendKey(sp.budget.period, now)) ?? 0;
      // Refused only once spend has reached the budget: never while it is below.
      if (spend >= sp.budget.amount)
        return refuse('budget', sp.budget.amount, periodEnd(sp.budget.period, now) - now, 'insufficient_quota');
    }
    return undefined;
  }

  private reserve(sp: ScopePlan, tokens: number, now: number): Reservation {
    const c = this.counters(sp.scope);
    c.inFlight++;
    if (sp.limits.requestsPerMinute !== undefined) c.requests.add(1, now);
    const tokenEntry = sp.limits.tokensPerMinute !== undefined ? c.tokens.add(tokens, now) : undefined;
    const periodKeys = [tokenKey('day', now), tokenKey('month', now)];
    for (const k of periodKeys) c.periods.set(k, (c.periods.get(k) ?? 0) + tokens);
    return { scope: c, tokenEntry, periodKeys };
  }

  private settleNow(ticket: LedgerTicket, s: Settlement, now: number): void {
    if (ticket.settled) return;
    ticket.settled = true;
    const delta = s.tokens === undefined ? 0 : s.tokens - ticket.reserved;
    ticket.reservations.forEach((r) => {
      r.scope.inFlight = Math.max(0, r.scope.inFlight - 1);
      if (s.tokens !== undefined && r.tokenEntry) r.scope.tokens.correct(r.tokenEntry, s.tokens);
      for (const k of r.periodKeys) r.scope.periods.set(k, Math.max(0, (r.scope.periods.get(k) ?? 0) + delta));
    });
    if (s.cost > 0)
      ticket.plan.scopes.forEach((sp, i) => this.addSpend(sp, ticket.reservations[i]!.scope, s.cost, now));
    this.dirty = true;
  }

  private addSpend(sp: ScopePlan, c: ScopeCounters, cost: number, now: number): void {
    for (const period of ['day', 'month', 'total'] as const) {
      const k = spendKey(period, now);
      const before = c.periods.get(k) ?? 0;
      c.periods.set(k, before + cost);
      if (sp.budget?.period === period) this.checkAlerts(sp, before, before + cost, now);
    }
  }

  // Each threshold (and 100 %) is announced once per period, when spend first reaches it.
  private checkAlerts(sp: ScopePlan, before: number, after: number, now: number): void {
    const budget = sp.budget!;
    const period = periodKey(budget.period, now);
    for (const threshold of [...budget.alertAt, 1]) {
      const line = budget.amount * threshold;
      const id = `${sp.scope}|${period}|${threshold}`;
      if (before >= line || after < line || this.fired.has(id)) continue;
      this.fired.add(id);
      const alert: BudgetAlert = {
        scope: sp.scope,
        threshold,
        period,
        spend: after,
        amount: budget.amount,
        at: new Date(now).toISOString(),
      };
      this.alerts = [...this.alerts.slice(-(MAX_ALERTS_KEPT - 1)), alert];
      this.opts.log.warn(
        { scope: sp.scope, threshold, spend: after, amount: budget.amount, period },
        threshold >= 1 ? 'budget exhausted: further requests are refused' : 'budget threshold crossed',
      );
    }
  }

  private viewOf(plan: AdmissionPlan, now: number): RateLimitView {
    const own = plan.scopes[0];
    if (!own) return {};
    const c = this.counters(own.scope);
    const view: RateLimitView = {};
    const l = own.limits;
    if (l.requestsPerMinute !== undefined)
      view.requests = {
        limit: l.requestsPerMinute,
        remaining: Math.max(0, l.requestsPerMinute - c.requests.sum(now)),
        resetMs: c.requests.resetIn(now),
      };
    if (l.tokensPerMinute !== undefined)
      view.tokens = {
        limit: l.tokensPerMinute,
        remaining: Math.max(0, l.tokensPerMinute - c.tokens.sum(now)),
        resetMs: c.tokens.resetIn(now),
      };
    return view;
  }

  private counters(scope: string): ScopeCounters {
    let c = this.scopes.get(scope);
    if (!c) {
      c = { requests: new SlidingWindow(), tokens: new SlidingWindow(), inFlight: 0, periods: new Map() };
      this.scopes.set(scope, c);
    }
    return c;
  }

  view(now = Date.now()): GovernanceView {
    const scopes: Record<string, ScopeUsage> = {};
    for (const [scope, c] of this.scopes) {
      const p = (k: string) => c.periods.get(k) ?? 0;
      scopes[scope] = {
        requestsLastMinute: c.requests.sum(now),
        tokensLastMinute: c.tokens.sum(now),
        tokensToday: p(tokenKey('day', now)),
        tokensThisMonth: p(tokenKey('month', now)),
        inFlight: c.inFlight,
        spendToday: p(spendKey('day', now)),
        spendThisMonth: p(spendKey('month', now)),
        spendTotal: p(spendKey('total', now)),
      };
    }
    const lastUsed: Record<string, string> = {};
    for (const [id, at] of this.lastUsed) lastUsed[id] = new Date(at).toISOString();
    return { scopes, lastUsed, alerts: [...this.alerts], store: 'embedded' };
  }

  /** Writes the counters now if they changed (also called once a second). */
  flush(): Promise<void> {
    const file = this.opts.file;
    if (!file || !this.dirty) return this.writing;
    this.dirty = false;
    const text = JSON.stringify(this.serialise(Date.now()));
    this.writing = this.writing
      .then(() => writeFileAtomic(file, text, { mode: 0o600 }))
      .catch((err: unknown) => {
        this.dirty = true;
        this.opts.log.warn(
          { err: err instanceof Error ? err.message : String(err) },
          'could not write governance.json; will retry',
        );
      });
    return this.writing;
  }

  // Only current periods are kept: older ones can no longer refuse anything.
  private serialise(now: number): LedgerFile {
    const current = new Set([
      tokenKey('day', now),
      tokenKey('month', now),
      spendKey('day', now),
      spendKey('month', now),
      spendKey('total', now),
    ]);
    const counters: LedgerFile['counters'] = {};
    for (const [scope, c] of this.scopes) {
      for (const k of [...c.periods.keys()]) if (!current.has(k)) c.periods.delete(k);
      if (c.periods.size) counters[scope] = Object.fromEntries(c.periods);
    }
    const periodsNow = new Set([periodKey('day', now), periodKey('month', now), 'total']);
    for (const id of [...this.fired]) if (!periodsNow.has(id.split('|')[1] ?? '')) this.fired.delete(id);
    return {
      version: 1,
      counters,
      lastUsed: Object.fromEntries(this.lastUsed),
      fired: [...this.fired],
      alerts: this.alerts,
    };
  }

  private async restore(file: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.opts.log.warn({ err: (err as Error).message }, 'governance.json unreadable; starting with empty counters');
      return;
    }
    if (!isRecord(parsed) || parsed.version !== 1) return;
    if (isRecord(parsed.counters)) {
      for (const [scope, periods] of Object.entries(parsed.counters)) {
        if (!isRecord(periods)) continue;
        const c = this.counters(scope);
        for (const [k, v] of Object.entries(periods))
          if (typeof v === 'number' && Number.isFinite(v) && v >= 0) c.periods.set(k, v);
      }
    }
    if (isRecord(parsed.lastUsed))
      for (const [id, at] of Object.entries(parsed.lastUsed)) if (typeof at === 'number') this.lastUsed.set(id, at);
    if (Array.isArray(parsed.fired)) for (const id of parsed.fired) if (typeof id === 'string') this.fired.add(id);
    if (Array.isArray(parsed.alerts)) this.alerts = parsed.alerts.filter(isAlert).slice(-MAX_ALERTS_KEPT);
    this.opts.log.info({ scopes: this.scopes.size }, 'governance counters restored');
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAlert(v: unknown): v is BudgetAlert {
  return (
    isRecord(v) &&
    typeof v.scope === 'string' &&
    typeof v.threshold === 'number' &&
    typeof v.period === 'string' &&
    typeof v.spend === 'number' &&
    typeof v.amount === 'number' &&
    typeof v.at === 'string'
  );
}
