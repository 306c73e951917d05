/**
 * Sending a request to a pool of targets before any byte reaches the client. A 429, a 5xx, a
 * refused credential, a connection error or a headers timeout moves the request to the next
 * eligible target (failover, always). `maxRetries`/`retryStatuses` govern only retries against
 * the same target, which happen once no other target is available, after Azure's Retry-After or
 * a jittered backoff, and only within the request's deadline.
 */
import type { UpstreamSettings } from '../../common/config/schema.js';
import type { ResolvedTarget } from './model-catalog.js';
import { retryAfterMs, backoffMs } from './retry-after.js';
import { targetKey } from './target-order.js';
import type { TargetStates } from './target-state.js';
import { describeTransportError, isTimeout, type UpstreamExchange } from '../upstream/call.js';
import { bufferedExchange, readBody } from '../upstream/read-body.js';
import { upstreamAuthFailure } from '../upstream/auth-failure.js';
import { allTargetsUnavailable, rateLimitedEverywhere } from '../errors.js';
import type { AttemptTrace, RequestTrace } from '../telemetry/telemetry.js';

/** The exchange that will be relayed to the client (its body already read when it is an upstream error being passed on). */
export interface ChosenExchange<E extends UpstreamExchange> {
  exchange: E;
  target: ResolvedTarget;
}

/** What failover needs for one request; `E` is what an attempt returns (an exchange, maybe with more). */
export interface FailoverContext<E extends UpstreamExchange> {
  states: TargetStates;
  settings: UpstreamSettings;
  /** Where failed attempts are logged (the request's logger). */
  log: { warn(obj: object, msg: string): void };
  /** Client gone or deadline passed: stop trying. */
  signal: AbortSignal;
  /** Epoch ms by which everything must be done (Infinity = no deadline). */
  deadlineAt: number;
  /** One try at `target`; `traceHeaders` (the attempt's W3C trace context) go upstream when traced. */
  attempt(target: ResolvedTarget, traceHeaders?: AttemptTrace['headers']): Promise<E>;
  /**
   * False once the request body cannot be sent again (a streamed upload that an attempt has
   * started to read): no further target or retry is tried, and the last answer is passed on.
   */
  canResend?: () => boolean;
  /**
   * The request's trace while telemetry is on (docs/telemetry.md): every target tried is its own
   * attempt span, targets passed over and cool-downs started are noted. Traced here, in the loop,
   * rather than by wrapping `attempt`: a wrapper's extra async layer and closures per request
   * changed what V8 optimises on the whole upstream call (docs/reports/telemetry-cost.md).
   */
  trace?: RequestTrace | undefined;
}

type Failure<E> =
  | { kind: 'response'; status: number; exchange: E; body: Buffer; target: ResolvedTarget }
  | { kind: 'transport'; error: unknown; target: ResolvedTarget };

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Statuses that mean "this target, not this request": fail over. */
function isTargetFailure(status: number): boolean {
  return status === 429 || status === 408 || status === 401 || status === 403 || status >= 500;
}

/** Tries `targets` in order (see target-order.ts) until one gives an answer worth relaying. */
export async function sendWithFailover<E extends UpstreamExchange>(
  ctx: FailoverContext<E>,
  targets: readonly ResolvedTarget[],
): Promise<ChosenExchange<E>> {
  const { states, settings } = ctx;
  let retriesLeft = settings.maxRetries;
  let retryNumber = 0;
  let last: Failure<E> | undefined;
  const queue = [...targets];
  while (queue.length > 0) {
    const target = queue.shift()!;
    const key = targetKey(target);
    if (!states.tryAcquire(key)) {
      ctx.trace?.skippedTarget(key, states.waitMs(key));
      continue;
    }
    let failure: Failure<E>;
    const traced = ctx.trace?.attempt({ upstream: target.upstream.name, deployment: target.deployment, key });
    try {
      const exchange = await ctx.attempt(target, traced?.headers);
      traced?.answered(exchange.statusCode);
      if (exchange.statusCode !== 429) states.observeHeaders(key, exchange.headers);
      if (!isTargetFailure(exchange.statusCode)) {
        states.succeeded(key);
        return { exchange, target };
      }
      const body = await readBody(exchange, target.upstream.name);
      failure = { kind: 'response', status: exchange.statusCode, exchange, body, target };
      if (exchange.statusCode === 429) {
        const wait =
          retryAfterMs(exchange.headers) ?? backoffMs(retryNumber, settings.retryBaseMs, settings.retryMaxMs);
        states.rateLimited(key, wait, `429 from ${key}`);
        ctx.trace?.cooledDown(wait);
      } else {
        states.failed(key, `${exchange.statusCode} from ${key}`);
      }
    } catch (err) {
      traced?.failed(err);
      if (ctx.signal.aborted && !isTimeout(ctx.signal.reason)) {
        states.released(key);
        throw err;
      }
      failure = { kind: 'transport', error: err, target };
      // A credential we could not get, or a pool with no free connection, is our problem, not the
      // target's: fail over, but do not count it against the target's circuit (recovery would
      // then wait for the breaker).
      const code = (err as { code?: unknown }).code;
      if (code === 'GW_UPSTREAM_CREDENTIAL' || code === 'GW_UPSTREAM_BUSY') states.released(key);
      else states.failed(key, describeTransportError((err as { cause?: unknown }).cause ?? err));
      // The request's own deadline passed: no further attempt can help.
      if (ctx.signal.aborted) throw err;
    }
    last = failure;
    if (ctx.canResend?.() === false) break;
    ctx.log.warn(
      {
        target: key,
        status: failure.kind === 'response' ? failure.status : undefined,
        error: failure.kind === 'transport' ? describeTransportError(failure.error) : undefined,
      },
      'target failed before the first byte; trying the next',
    );

    // Same-target retry: only when no other target can take the request right now.
    const othersAvailable = queue.some((t) => states.waitMs(targetKey(t)) === 0);
    const retryable = failure.kind === 'transport' || settings.retryStatuses.includes(failure.status);
    if (!othersAvailable && retryable && retriesLeft > 0) {
      const hinted = failure.kind === 'response' ? retryAfterMs(failure.exchange.headers) : undefined;
      const wait = Math.max(
        hinted ?? 0,
        states.waitMs(key),
        backoffMs(retryNumber, settings.retryBaseMs, settings.retryMaxMs),
      );
      if (Date.now() + wait < ctx.deadlineAt) {
        retriesLeft--;
        retryNumber++;
        await sleep(wait, ctx.signal);
        queue.unshift(target);
      }
    }
  }
  return finish(ctx, targets, last);
}

// Nothing could be relayed as a success: say why, in the most useful form.
function finish<E extends UpstreamExchange>(
  ctx: FailoverContext<E>,
  targets: readonly ResolvedTarget[],
  last: Failure<E> | undefined,
): ChosenExchange<E> {
  const waits = targets.map((t) => ctx.states.waitMs(targetKey(t)));
  const shortest = Math.min(...waits);
  if (waits.every((w) => w > 0)) {
    if (last?.kind === 'response' && last.status === 429) {
      // Azure's own 429 (its message and headers), with retry-after set to when the first
      // target of the pool may be tried again.
      // Untouched when the target that answered it is the first to come back.
      if (ctx.states.waitMs(targetKey(last.target)) <= shortest) return passOn(last);
      const headers = {
        ...last.exchange.headers,
        'retry-after': String(Math.max(1, Math.ceil(shortest / 1000))),
        'retry-after-ms': String(Math.ceil(shortest)),
      };
      return passOn({ ...last, exchange: { ...last.exchange, headers } });
    }
    if (!last) {
      const views = ctx.states.view();
      const anyCooling = targets.some((t) => views[targetKey(t)]?.state === 'cooling_down');
      throw refusedBy(
        anyCooling ? rateLimitedEverywhere(shortest) : allTargetsUnavailable(shortest),
        targets[waits.indexOf(shortest)],
      );
    }
  }
  if (!last) throw refusedBy(allTargetsUnavailable(Math.min(...waits)), targets[waits.indexOf(Math.min(...waits))]);
  if (last.kind === 'transport') throw last.error;
  if (last.status === 401 || last.status === 403)
    throw upstreamAuthFailure(last.target.upstream.name, last.status, last.body.toString('utf8'));
  // Pass the last upstream error through with its status, body and headers.
  return passOn(last);
}

// No target was called: the refusal is credited to the one that comes back first (the one the
// retry-after names), so the log and the statistics say which deployment throttled.
function refusedBy(err: Error, target: ResolvedTarget | undefined): Error {
  return target ? Object.assign(err, { refusedBy: targetKey(target) }) : err;
}

// An upstream error answer, relayed with the body failover already read.
function passOn<E extends UpstreamExchange>(failure: {
  exchange: E;
  body: Buffer;
  target: ResolvedTarget;
}): ChosenExchange<E> {
  return { exchange: bufferedExchange(failure.exchange, failure.body), target: failure.target };
}
