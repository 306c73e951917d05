/**
 * What a fault reports, and the helpers every fault uses: the background load that keeps running
 * through all of them, and counting what that load saw inside one fault's window.
 */
import { ops, startLoad, tally, within, type ClientGroup, type Outcome, type RunningLoad } from './load.js';
import type { Soak } from './setup.js';

/** Counts of a set of outcomes. */
export interface Counted {
  requests: number;
  errors: number;
  byResult: Record<string, number>;
  /** A few failures, for the report. */
  examples: string[];
  /** Seconds from the first failure's start to the last one's end (0 without failures). */
  errorSpanS: number;
  /** Failures by HTTP status (0 = no answer or a cut stream). */
  errorStatuses: Record<string, number>;
}

/** One fault's result. */
export interface FaultResult {
  name: string;
  /** What was done, in one sentence. */
  action: string;
  /** Epoch ms. */
  from: number;
  to: number;
  /** The background load's requests inside the window. */
  background: Counted;
  /** Requests aimed at the fault, when there are any (e.g. the pool model during the 429 storm). */
  targeted?: Counted & {
    /** Failures the fault is meant to cause, each checked to be a clean error (not a hang or a silent cut). */
    expected: number;
    /** Failures that are not the expected clean kind. */
    unexpected: number;
  };
  /** Client-visible errors that should not have happened: background errors + targeted unexpected ones. */
  clientErrors: number;
  /** survived: no unexpected error and the stack recovered by itself; degraded: errors but recovered; failed: not recovered; skipped: could not be simulated. */
  verdict: 'survived' | 'degraded' | 'failed' | 'skipped';
  notes: string[];
}

/** Counts outcomes; `isError` decides what counts as an error (default: anything but ok). */
export function count(
  outcomes: readonly Outcome[],
  isError: (o: Outcome) => boolean = (o) => o.result !== 'ok',
): Counted {
  const errors = outcomes.filter(isError);
  const errorStatuses: Record<string, number> = {};
  for (const o of errors) errorStatuses[String(o.status)] = (errorStatuses[String(o.status)] ?? 0) + 1;
  return {
    requests: outcomes.length,
    errors: errors.length,
    errorSpanS: errors.length
      ? (Math.max(...errors.map((o) => o.t1)) - Math.min(...errors.map((o) => o.t0))) / 1000
      : 0,
    errorStatuses,
    byResult: tally(outcomes),
    examples: errors
      .slice(0, 3)
      .map(
        (o) =>
          `${o.via} ${o.label} ${o.model}: ${o.result}${o.status ? ` ${o.status}` : ''}${o.detail ? ` — ${o.detail.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`,
      ),
  };
}

/** The background load of phase 2: streaming and non-streaming clients through Caddy, first-run key. */
export function startBackground(soak: Soak, untilMs: number): RunningLoad {
  const { faultClients, streamChunks, streamIntervalMs } = soak.settings;
  const slow = JSON.stringify({ kind: 'slowChunks', intervalMs: streamIntervalMs, chunks: streamChunks });
  const groups: ClientGroup[] = [
    {
      name: 'bg-nonstream',
      door: (w) => (w % 2 === 0 ? soak.doors.caddy : soak.doors.caddyHttp1),
      workers: faultClients,
      op: (n) => (n % 4 === 3 ? ops.embeddings('text-embedding-3-small') : ops.chat('gpt-4o-mini')),
      pauseMs: 20,
    },
    {
      name: 'bg-stream',
      door: (w) => (w % 2 === 0 ? soak.doors.caddy : soak.doors.caddyHttp1),
      workers: faultClients,
      op: () => ops.chatStream('gpt-4o-mini', slow),
      pauseMs: 20,
    },
  ];
  return startLoad(groups, soak.keys.first, untilMs);
}

/** The background outcomes inside [from, to]. */
export function backgroundIn(bg: RunningLoad, from: number, to: number): Counted {
  return count(within(bg.outcomes, from, to));
}

/** Combines background and targeted counts into a result. */
export function result(
  name: string,
  action: string,
  from: number,
  to: number,
  bg: RunningLoad,
  notes: string[],
  recovered: boolean,
  targeted?: FaultResult['targeted'],
): FaultResult {
  const background = backgroundIn(bg, from, to);
  const clientErrors = background.errors + (targeted?.unexpected ?? 0);
  const verdict = !recovered ? 'failed' : clientErrors === 0 ? 'survived' : 'degraded';
  return { name, action, from, to, background, ...(targeted ? { targeted } : {}), clientErrors, verdict, notes };
}
