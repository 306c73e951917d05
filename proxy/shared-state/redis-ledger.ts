/**
 * The governance state shared by every replica through Redis (docs/shared-state.md, "Exact limits
 * across replicas"): admission is one Lua script that checks and reserves in every scope at once,
 * settlement another. While Redis is degraded, requests are admitted by a local ledger with this
 * replica's share of each limit (local-share.ts), and what they used is charged to Redis once it
 * answers again, so day/month quotas and spend stay complete.
 */
import { randomUUID } from 'node:crypto';
import type { SharedRedis } from '../../common/redis/shared-redis.js';
import { periodEnd, periodKey } from '../governance/calendar.js';
import { EmbeddedLedger } from '../governance/embedded-ledger.js';
import type {
  Admission,
  AdmissionPlan,
  BudgetAlert,
  GovernanceState,
  GovernanceView,
  LimitName,
  RateLimitView,
  Refusal,
  ScopeUsage,
  Settlement,
  Ticket,
} from '../governance/state.js';
import { ADMIT, SCOPE_KEY_PARTS, SEED, SETTLE, VIEW } from './ledger-scripts.js';
import { localShare } from './local-share.js';

/** A ticket's in-flight slot expires this long after its last renewal (a replica killed with -9 frees its slots by then). */
export const LEASE_MS = 120_000;
const RENEW_EVERY_MS = 30_000;
/** How often counters are read back for the admin, /metrics and the local share. */
export const VIEW_REFRESH_MS = 2_000;
/** Settlements kept while Redis is away; beyond this the oldest are dropped (and logged). */
const MAX_PENDING = 100_000;

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

type SharedTicket = Ticket & { kind: 'redis'; id: string; settled: boolean };
type LocalTicket = Ticket & { kind: 'local'; id: string; inner: Ticket; ledger: EmbeddedLedger };
type AnyTicket = SharedTicket | LocalTicket;

interface Pending {
  id: string;
  plan: AdmissionPlan;
  tokens: number;
  cost: number;
}

const tokenField = (period: 'day' | 'month', now: number) => `tokens:${period}:${periodKey(period, now)}`;
const spendField = (period: 'day' | 'month' | 'total', now: number) => `spend:${period}:${periodKey(period, now)}`;
const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) || 0 : 0);
const waitOf = (v: unknown): number => (num(v) === -1 ? Infinity : num(v));

function parseView(values: unknown[]): RateLimitView {
  const view: RateLimitView = {};
  if (num(values[0]) >= 0)
    view.requests = { limit: num(values[0]), remaining: num(values[1]), resetMs: num(values[2]) };
  if (num(values[3]) >= 0) view.tokens = { limit: num(values[3]), remaining: num(values[4]), resetMs: num(values[5]) };
  return view;
}

/** Governance counters in Redis, with a local fallback. */
export class RedisLedger implements GovernanceState {
  private cached: GovernanceView = { scopes: {}, lastUsed: {}, alerts: [], store: 'redis' };
  private fallback: EmbeddedLedger | undefined;
  private readonly open = new Set<SharedTicket>();
  private pending: Pending[] = [];
  private flushing = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly redis: SharedRedis,
    private readonly log: Logger,
    /** Replicas alive at the last contact (this one included). */
    private readonly replicas: () => number,
  ) {
    redis.onChange((healthy) => {
      if (healthy) void this.flushPending().then(() => this.refresh());
      else this.fallback = undefined;
    });
    this.timers.push(
      setInterval(() => void this.refresh(), VIEW_REFRESH_MS),
      setInterval(() => void this.renewLeases(), RENEW_EVERY_MS),
    );
    for (const t of this.timers) t.unref();
  }

  private k(scope: string, part: string): string {
    return this.redis.key('gov', scope, part);
  }

  private scopeKeys(plan: AdmissionPlan): string[] {
    return plan.scopes.flatMap((sp) => SCOPE_KEY_PARTS.map((p) => this.k(sp.scope, p)));
  }

  async admit(plan: AdmissionPlan, now = Date.now()): Promise<Admission> {
    if (!this.redis.healthy) return this.admitLocally(plan, now);
    const id = randomUUID();
    const args: Array<string | number> = [
      // Whole tokens: the scripts count them with HINCRBY.
      now,
      Math.ceil(plan.tokens),
      id,
      plan.keyId,
      LEASE_MS,
      tokenField('day', now),
      tokenField('month', now),
      periodEnd('day', now) - now,
      periodEnd('month', now) - now,
      plan.scopes.length,
      spendField('day', now),
      spendField('month', now),
    ];
    for (const sp of plan.scopes) {
      const l = sp.limits;
      const b = sp.budget;
      const end = b ? periodEnd(b.period, now) : Infinity;
      args.push(
        sp.scope,
        l.requestsPerMinute ?? -1,
        l.tokensPerMinute ?? -1,
        l.tokensPerDay ?? -1,
        l.tokensPerMonth ?? -1,
        l.maxConcurrent ?? -1,
        b?.amount ?? -1,
        b ? spendField(b.period, now) : '',
        end === Infinity ? -1 : end - now,
      );
    }
    let reply: unknown;
    try {
      reply = await this.redis.run(
        ADMIT,
        [
          this.redis.key('gov', 'ticket', id),
          this.redis.key('gov', 'lastUsed'),
          this.redis.key('gov', 'scopes'),
          ...this.scopeKeys(plan),
        ],
        args,
      );
    } catch {
      // The script may have run before the reply was lost: undo it (in order, on the same
      // connection) once Redis answers, and serve this request locally.
      this.queue({ id, plan, tokens: 0, cost: 0 });
      return this.admitLocally(plan, now);
    }
    const values = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (num(values[0]) === 1) {
      const ticket: SharedTicket = { kind: 'redis', id, plan, view: parseView(values.slice(1)), settled: false };
      this.open.add(ticket);
      return { ok: true, ticket };
    }
    const scope = plan.scopes[num(values[1]) - 1] ?? plan.scopes[0]!;
    const refusal: Refusal = {
      scope,
      limit: String(values[2]) as LimitName,
      value: num(values[3]),
      retryAfterMs: waitOf(values[4]),
      code: values[5] === 'insufficient_quota' ? 'insufficient_quota' : 'rate_limit_exceeded',
      requested: plan.tokens,
      at: now,
    };
    return { ok: false, refusal, view: parseView(values.slice(6)) };
  }

  private async admitLocally(plan: AdmissionPlan, now: number): Promise<Admission> {
    this.fallback ??= await EmbeddedLedger.open({ log: this.log });
    const ledger = this.fallback;
    const shared = localShare(plan, this.replicas(), (scope) => this.cached.scopes[scope]);
    const admission = await ledger.admit(shared, now);
    if (!admission.ok) {
      // The refusal names the configured limit, not this replica's share of it.
      const original = plan.scopes.find((s) => s.scope === admission.refusal.scope.scope) ?? admission.refusal.scope;
      return { ...admission, refusal: { ...admission.refusal, scope: original } };
    }
    const ticket: LocalTicket = {
      kind: 'local',
      id: randomUUID(),
      plan,
      view: admission.ticket.view,
      inner: admission.ticket,
      ledger,
    };
    return { ok: true, ticket };
  }

  async settle(ticket: Ticket, s: Settlement, now = Date.now()): Promise<void> {
    const t = ticket as AnyTicket;
    if (t.kind === 'local') {
      await t.ledger.settle(t.inner, s, now);
      // Charged to Redis as a ticket it never saw: the full use, and the spend.
      this.queue({ id: t.id, plan: t.plan, tokens: s.tokens ?? t.plan.tokens, cost: s.cost });
      return this.flushPending();
    }
    if (t.settled) return;
    t.settled = true;
    this.open.delete(t);
    const p: Pending = { id: t.id, plan: t.plan, tokens: s.tokens ?? -1, cost: s.cost };
    if (!this.redis.healthy) return this.queue(p);
    try {
      await this.settleInRedis(p, now);
    } catch {
      this.queue(p);
    }
  }

  private async settleInRedis(p: Pending, now: number): Promise<void> {
    const args: Array<string | number> = [
      now,
      p.tokens < 0 ? -1 : Math.round(p.tokens),
      p.cost,
      p.id,
      tokenField('day', now),
      tokenField('month', now),
      spendField('day', now),
      spendField('month', now),
      spendField('total', now),
      periodKey('day', now),
      periodKey('month', now),
      new Date(now).toISOString(),
      p.plan.scopes.length,
    ];
    for (const sp of p.plan.scopes)
      args.push(sp.scope, sp.budget?.amount ?? -1, sp.budget?.period ?? '', (sp.budget?.alertAt ?? []).join(','));
    const fired = await this.redis.run(
      SETTLE,
      [
        this.redis.key('gov', 'ticket', p.id),
        this.redis.key('gov', 'alerts'),
        this.redis.key('gov', 'fired'),
        ...this.scopeKeys(p.plan),
      ],
      args,
    );
    const values = Array.isArray(fired) ? (fired as unknown[]) : [];
    for (let i = 0; i + 5 < values.length; i += 6) {
      const threshold = num(values[i + 1]);
      this.log.warn(
        {
          scope: String(values[i]),
          threshold,
          spend: num(values[i + 3]),
          amount: num(values[i + 4]),
          period: String(values[i + 2]),
        },
        threshold >= 1 ? 'budget exhausted: further requests are refused' : 'budget threshold crossed',
      );
    }
  }

  private queue(p: Pending): void {
    this.pending.push(p);
    if (this.pending.length > MAX_PENDING) {
      this.pending.splice(0, this.pending.length - MAX_PENDING);
      this.log.error(
        { kept: MAX_PENDING },
        'shared state: too many settlements waiting for Redis; the oldest were dropped',
      );
    }
  }

  // Waiting settlements go to Redis in order, one at a time, as soon as it answers.
  private async flushPending(): Promise<void> {
    if (this.flushing || !this.redis.healthy) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0 && this.redis.healthy) {
        await this.settleInRedis(this.pending[0]!, Date.now());
        this.pending.shift();
      }
    } catch {
      // Degraded again: the rest waits for the next recovery.
    } finally {
      this.flushing = false;
    }
  }

  // Long streams keep their concurrency slot: their leases are renewed while they run.
  private async renewLeases(): Promise<void> {
    if (!this.redis.healthy) return;
    const until = String(Date.now() + LEASE_MS);
    for (const t of this.open) {
      for (const sp of t.plan.scopes)
        await this.redis.command(['ZADD', this.k(sp.scope, 'fly'), 'XX', until, t.id]).catch(() => undefined);
    }
  }

  /** Reads every scope's counters back (for view(), and for the local share when Redis goes away); restores them into a Redis that restarted empty. */
  async refresh(now = Date.now()): Promise<void> {
    if (!this.redis.healthy) return;
    try {
      const scopes = (await this.redis.command<unknown[]>(['SMEMBERS', this.redis.key('gov', 'scopes')]))
        .map(String)
        .sort();
      if (scopes.length === 0 && Object.keys(this.cached.scopes).length > 0) await this.reseed();
      const fresh = scopes.length ? await this.readScopes(scopes, now) : {};
      const lastUsedRaw = await this.redis.command<unknown[]>(['HGETALL', this.redis.key('gov', 'lastUsed')]);
      const lastUsed: Record<string, string> = {};
      for (let i = 0; i + 1 < lastUsedRaw.length; i += 2)
        lastUsed[String(lastUsedRaw[i])] = new Date(num(lastUsedRaw[i + 1])).toISOString();
      const alerts = (await this.redis.command<unknown[]>(['LRANGE', this.redis.key('gov', 'alerts'), '0', '199']))
        .map((a) => JSON.parse(String(a)) as BudgetAlert)
        .reverse();
      this.cached = { scopes: fresh, lastUsed, alerts, store: 'redis' };
    } catch {
      // Keep the last reading.
    }
  }

  private async readScopes(scopes: string[], now: number): Promise<Record<string, ScopeUsage>> {
    const keys = scopes.flatMap((scope) => SCOPE_KEY_PARTS.map((p) => this.k(scope, p)));
    const reply = await this.redis.run(VIEW, keys, [
      now,
      tokenField('day', now),
      tokenField('month', now),
      spendField('day', now),
      spendField('month', now),
      spendField('total', now),
    ]);
    const v = Array.isArray(reply) ? (reply as unknown[]) : [];
    const out: Record<string, ScopeUsage> = {};
    scopes.forEach((scope, i) => {
      const at = (j: number) => num(v[i * 8 + j]);
      out[scope] = {
        requestsLastMinute: at(0),
        tokensLastMinute: at(1),
        tokensToday: at(2),
        tokensThisMonth: at(3),
        inFlight: at(4),
        spendToday: at(5),
        spendThisMonth: at(6),
        spendTotal: at(7),
      };
    });
    return out;
  }

  // Redis came back empty (restarted without persistence): put back quota use and spend as last read.
  private async reseed(now = Date.now()): Promise<void> {
    const scopes = Object.entries(this.cached.scopes);
    const args: Array<string | number> = [scopes.length];
    for (const [scope, u] of scopes) {
      const fields: Array<[string, number]> = [
        [tokenField('day', now), u.tokensToday],
        [tokenField('month', now), u.tokensThisMonth],
        [spendField('day', now), u.spendToday],
        [spendField('month', now), u.spendThisMonth],
        [spendField('total', now), u.spendTotal],
      ];
      args.push(scope, fields.length, ...fields.flat());
    }
    for (const [id, at] of Object.entries(this.cached.lastUsed)) args.push(id, Date.parse(at));
    await this.redis.run(
      SEED,
      [
        this.redis.key('gov', 'scopes'),
        this.redis.key('gov', 'lastUsed'),
        ...scopes.map(([scope]) => this.k(scope, 'per')),
      ],
      args,
    );
    this.log.warn(
      { scopes: scopes.length },
      'shared state: Redis restarted empty; quota use and spend restored from the last reading',
    );
  }

  view(now = Date.now()): GovernanceView {
    const degraded = !this.redis.healthy;
    if (!degraded || !this.fallback) return { ...this.cached, store: degraded ? 'redis (degraded)' : 'redis' };
    // While degraded, what this replica admitted locally is added to the last shared reading.
    const local = this.fallback.view(now).scopes;
    const scopes: Record<string, ScopeUsage> = { ...this.cached.scopes };
    for (const [scope, u] of Object.entries(local)) {
      const base = scopes[scope];
      scopes[scope] = base
        ? {
            ...u,
            tokensToday: base.tokensToday + u.tokensToday,
            tokensThisMonth: base.tokensThisMonth + u.tokensThisMonth,
            spendToday: base.spendToday + u.spendToday,
            spendThisMonth: base.spendThisMonth + u.spendThisMonth,
            spendTotal: base.spendTotal + u.spendTotal,
          }
        : u;
    }
    return { ...this.cached, scopes, store: 'redis (degraded)' };
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await this.flushPending();
  }
}
