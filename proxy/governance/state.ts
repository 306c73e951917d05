/**
 * The one interface behind which everything governance counts lives: minute windows, day and
 * month quotas, requests in flight, spend and budget alerts, last use of each key. The embedded
 * implementation keeps it in memory and DATA_DIR (embedded-ledger.ts); a shared implementation
 * (Redis, for several replicas) implements the same calls atomically on its side.
 */
import type { Budget, Limits } from '../../common/config/schema.js';

/** One scope a request is counted in: its key, then its team. */
export interface ScopePlan {
  /** `key:<id>` or `team:<id>`. */
  scope: string;
  /** How refusals name it: `key "alice"`, `team "research"`. */
  label: string;
  limits: Limits;
  budget?: Budget;
}

/** What a request asks to be admitted with. */
export interface AdmissionPlan {
  keyId: string;
  scopes: ScopePlan[];
  /** Tokens to reserve (prompt estimate + output cap); 0 when no token limit applies. */
  tokens: number;
}

/** Which limit refused a request. */
export type LimitName = keyof Limits | 'budget';

/** Why a request was refused, with when it may be tried again. */
export interface Refusal {
  scope: ScopePlan;
  limit: LimitName;
  /** The configured value (requests, tokens, or the budget amount). */
  value: number;
  /** Milliseconds until the request could pass; Infinity when it never can (too large). */
  retryAfterMs: number;
  /** `rate_limit_exceeded` (minute limits, concurrency) or `insufficient_quota` (day, month, budget). */
  code: 'rate_limit_exceeded' | 'insufficient_quota';
  /** Tokens the request asked for (for "request too large" messages). */
  requested: number;
  /** Epoch ms the refusal was decided at; `retryAfterMs` counts from here. */
  at: number;
}

/** The key's own minute limits as OpenAI's x-ratelimit-* headers describe them. */
export interface RateLimitView {
  requests?: { limit: number; remaining: number; resetMs: number };
  tokens?: { limit: number; remaining: number; resetMs: number };
}

/** A successful admission; settle it exactly once when the request ends. */
export interface Ticket {
  readonly plan: AdmissionPlan;
  readonly view: RateLimitView;
}

/** The answer to an admission. */
export type Admission = { ok: true; ticket: Ticket } | { ok: false; refusal: Refusal; view: RateLimitView };

/** How a request ended, for settling its ticket. */
export interface Settlement {
  /** Tokens really used (Azure's usage); undefined keeps the reservation (a stream without usage). */
  tokens?: number;
  /** Cost in the gateway's currency of what the serving target reported. */
  cost: number;
}

/** Counters of one scope for operators. */
export interface ScopeUsage {
  requestsLastMinute: number;
  tokensLastMinute: number;
  tokensToday: number;
  tokensThisMonth: number;
  inFlight: number;
  spendToday: number;
  spendThisMonth: number;
  spendTotal: number;
}

/** A budget threshold that was crossed. */
export interface BudgetAlert {
  scope: string;
  /** Fraction of the budget (1 = exhausted). */
  threshold: number;
  period: string;
  spend: number;
  amount: number;
  at: string;
}

/** Everything the admin shows about governance. */
export interface GovernanceView {
  scopes: Record<string, ScopeUsage>;
  lastUsed: Record<string, string>;
  alerts: BudgetAlert[];
  /** `embedded`, or the shared store's state. */
  store: string;
}

/** The state interface. `admit` checks and reserves atomically: N racing requests against K admit K. */
export interface GovernanceState {
  admit(plan: AdmissionPlan, now?: number): Promise<Admission>;
  settle(ticket: Ticket, settlement: Settlement, now?: number): Promise<void>;
  /** Current counters of the scopes named (all known scopes when omitted). */
  view(now?: number): GovernanceView;
  close(): Promise<void>;
}
