/**
 * What the proxy knows about each upstream target (an upstream + deployment): cool-down after a
 * 429, a circuit breaker over consecutive failures, and Azure's remaining rate-limit budget.
 * Everything is learned from real traffic; no request is ever made just to find out.
 */

/** Circuit breaker and rate-limit settings. */
export interface TargetPolicy {
  failureThreshold: number;
  openMs: number;
  /** A target whose remaining requests or tokens are at or below these is "nearly exhausted". */
  minRemainingRequests: number;
  minRemainingTokens: number;
}

/** How long Azure's x-ratelimit-remaining-* figures are trusted (its windows are a minute or less). */
export const RATE_LIMIT_INFO_TTL_MS = 60_000;

type CircuitState = 'closed' | 'open' | 'half_open';

interface TargetRecord {
  coolDownUntil: number;
  circuit: CircuitState;
  consecutiveFailures: number;
  openedAt: number;
  probeInFlight: boolean;
  remainingRequests?: number;
  remainingTokens?: number;
  rateInfoAt: number;
  lastError?: string;
  lastErrorAt?: number;
  successes: number;
  failures: number;
}

/** A target's state as /readyz and the stats endpoint show it. */
export interface TargetView {
  state: 'healthy' | 'cooling_down' | 'circuit_open' | 'half_open';
  coolingDownUntil?: string;
  circuitOpenUntil?: string;
  consecutiveFailures: number;
  remainingRequests?: number;
  remainingTokens?: number;
  lastError?: string;
  lastErrorAt?: string;
  successes: number;
  failures: number;
}

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** A change other replicas should learn: a cool-down or an opened circuit for `ms` more, or a closed circuit (docs/shared-state.md, "Target health"). */
export type TargetChange = { kind: 'cooldown'; ms: number } | { kind: 'open'; ms: number } | { kind: 'closed' };

function headerNumber(headers: Record<string, string | string[] | undefined>, name: string): number | undefined {
  const raw = headers[name];
  const v = Number(Array.isArray(raw) ? raw[0] : raw);
  return raw === undefined || !Number.isFinite(v) ? undefined : v;
}

/** Per-target health, shared by all requests of the process. */
export class TargetStates {
  private readonly targets = new Map<string, TargetRecord>();
  private listener: ((key: string, change: TargetChange) => void) | undefined;

  constructor(
    private policy: TargetPolicy,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Tells `listener` about each cool-down and circuit change learned here (not those applied with `apply`). */
  watch(listener: (key: string, change: TargetChange) => void): void {
    this.listener = listener;
  }

  /** Applies a change another replica learned. */
  apply(key: string, change: TargetChange): void {
    const r = this.get(key);
    const now = this.now();
    if (change.kind === 'cooldown') {
      if (now + change.ms <= r.coolDownUntil) return;
      r.coolDownUntil = now + change.ms;
      r.rateInfoAt = 0;
    } else if (change.kind === 'open') {
      r.circuit = 'open';
      r.openedAt = now + change.ms - this.policy.openMs;
      r.probeInFlight = false;
    } else {
      if (r.circuit === 'closed') return;
      r.circuit = 'closed';
      r.consecutiveFailures = 0;
      r.probeInFlight = false;
    }
    this.log.info(
      { target: key, change: change.kind, ms: change.kind === 'closed' ? undefined : change.ms },
      'target state learned from another replica',
    );
  }

  /** New settings after a config reload; learned state is kept. */
  setPolicy(policy: TargetPolicy): void {
    this.policy = policy;
  }

  private get(key: string): TargetRecord {
    let r = this.targets.get(key);
    if (!r) {
      r = {
        coolDownUntil: 0,
        circuit: 'closed',
        consecutiveFailures: 0,
        openedAt: 0,
        probeInFlight: false,
        rateInfoAt: 0,
        successes: 0,
        failures: 0,
      };
      this.targets.set(key, r);
    }
    return r;
  }

  /** Milliseconds until `key` may be tried again (0 = now). */
  waitMs(key: string): number {
    const r = this.targets.get(key);
    if (!r) return 0;
    const now = this.now();
    let wait = Math.max(0, r.coolDownUntil - now);
    if (r.circuit === 'open') wait = Math.max(wait, r.openedAt + this.policy.openMs - now);
    if (r.circuit === 'half_open' && r.probeInFlight) wait = Math.max(wait, 1);
    return wait;
  }

  /** True when `key`'s last known rate-limit budget is nearly spent. */
  nearlyExhausted(key: string): boolean {
    const r = this.targets.get(key);
    if (!r || this.now() - r.rateInfoAt > RATE_LIMIT_INFO_TTL_MS) return false;
    return (
      (r.remainingRequests !== undefined && r.remainingRequests <= this.policy.minRemainingRequests) ||
      (r.remainingTokens !== undefined && r.remainingTokens <= this.policy.minRemainingTokens)
    );
  }

  /**
   * Claims `key` for one attempt. An open circuit whose time is up lets exactly one request
   * through (half-open); the others keep away until it reports back.
   */
  tryAcquire(key: string): boolean {
    if (this.waitMs(key) > 0) return false;
    const r = this.get(key);
    if (r.circuit === 'open') {
      r.circuit = 'half_open';
      r.probeInFlight = true;
      this.log.info({ target: key }, 'circuit half-open: letting one request through');
    } else if (r.circuit === 'half_open') {
      if (r.probeInFlight) return false;
      r.probeInFlight = true;
    }
    return true;
  }

  /** Reads Azure's remaining budget from any response. */
  observeHeaders(key: string, headers: Record<string, string | string[] | undefined>): void {
    const requests = headerNumber(headers, 'x-ratelimit-remaining-requests');
    const tokens = headerNumber(headers, 'x-ratelimit-remaining-tokens');
    if (requests === undefined && tokens === undefined) return;
    const r = this.get(key);
    r.remainingRequests = requests;
    r.remainingTokens = tokens;
    r.rateInfoAt = this.now();
  }

  /** The target answered well (any status that is not a target failure). */
  succeeded(key: string): void {
    const r = this.get(key);
    r.successes++;
    r.consecutiveFailures = 0;
    r.probeInFlight = false;
    if (r.circuit !== 'closed') {
      this.log.info({ target: key }, 'circuit closed: the target answers again');
      this.listener?.(key, { kind: 'closed' });
    }
    r.circuit = 'closed';
  }

  /** The target answered 429: keep away for `coolDownMs`. Rate limits do not trip the breaker. */
  rateLimited(key: string, coolDownMs: number, detail: string): void {
    const r = this.get(key);
    r.failures++;
    r.probeInFlight = false;
    if (r.circuit === 'half_open') r.circuit = 'closed';
    r.coolDownUntil = Math.max(r.coolDownUntil, this.now() + coolDownMs);
    // The budget figures of a 429 ("0 left") describe the window the cool-down waits out.
    r.rateInfoAt = 0;
    this.noteError(r, detail);
    this.log.warn({ target: key, coolDownMs }, 'target rate-limited: cooling down');
    this.listener?.(key, { kind: 'cooldown', ms: r.coolDownUntil - this.now() });
  }

  /** The target failed (5xx, connection error, headers timeout, credential refused). */
  failed(key: string, detail: string): void {
    const r = this.get(key);
    r.failures++;
    r.consecutiveFailures++;
    r.probeInFlight = false;
    this.noteError(r, detail);
    const reopen = r.circuit === 'half_open';
    if (reopen || (r.circuit === 'closed' && r.consecutiveFailures >= this.policy.failureThreshold)) {
      r.circuit = 'open';
      r.openedAt = this.now();
      this.log.warn(
        { target: key, consecutiveFailures: r.consecutiveFailures, openMs: this.policy.openMs, detail },
        'circuit open: target taken out of rotation',
      );
      this.listener?.(key, { kind: 'open', ms: this.policy.openMs });
    }
  }

  /** The request for `key` ended without a verdict (client left): free a half-open probe. */
  released(key: string): void {
    const r = this.targets.get(key);
    if (r) r.probeInFlight = false;
  }

  private noteError(r: TargetRecord, detail: string): void {
    r.lastError = detail.slice(0, 300);
    r.lastErrorAt = this.now();
  }

  /** The state of every target seen so far, and of each `configured` one (healthy and unused until it has traffic). */
  view(configured: readonly string[] = []): Record<string, TargetView> {
    const now = this.now();
    const out: Record<string, TargetView> = {};
    // Configured targets show at once, healthy and unused, before their first request.
    for (const key of configured) out[key] = { state: 'healthy', consecutiveFailures: 0, successes: 0, failures: 0 };
    for (const [key, r] of this.targets) {
      const open = r.circuit === 'open' && r.openedAt + this.policy.openMs > now;
      const cooling = r.coolDownUntil > now;
      out[key] = {
        state: open ? 'circuit_open' : r.circuit === 'half_open' ? 'half_open' : cooling ? 'cooling_down' : 'healthy',
        ...(cooling ? { coolingDownUntil: new Date(r.coolDownUntil).toISOString() } : {}),
        ...(open ? { circuitOpenUntil: new Date(r.openedAt + this.policy.openMs).toISOString() } : {}),
        consecutiveFailures: r.consecutiveFailures,
        ...(r.rateInfoAt && now - r.rateInfoAt <= RATE_LIMIT_INFO_TTL_MS
          ? { remainingRequests: r.remainingRequests, remainingTokens: r.remainingTokens }
          : {}),
        ...(r.lastError ? { lastError: r.lastError, lastErrorAt: new Date(r.lastErrorAt ?? 0).toISOString() } : {}),
        successes: r.successes,
        failures: r.failures,
      };
    }
    return out;
  }
}
