/**
 * The load generator: a fixed number of requests at a fixed concurrency against one endpoint,
 * each loop bounded by a count and a deadline. Latency is `performance.now()` around the whole
 * exchange (body read to the end); for streams, time to first byte is taken at the first body
 * chunk and every later chunk records its gap from the previous one.
 */
import type { Dispatcher } from 'undici';

/** One way to reach a target. */
export interface Endpoint {
  dispatcher: Dispatcher;
  /** Origin the dispatcher connects to, e.g. `http://127.0.0.1:3000`. */
  origin: string;
  path: string;
  headers: Record<string, string>;
}

/** What a run of non-stream requests measured. */
export interface RequestsResult {
  completed: number;
  errors: number;
  elapsedMs: number;
  /** Milliseconds per successful request. */
  latencies: number[];
  firstError?: string;
}

/** What a run of streams measured. */
export interface StreamsResult {
  completed: number;
  errors: number;
  elapsedMs: number;
  ttfb: number[];
  total: number[];
  /** Gaps between consecutive body chunks, all streams together. */
  gaps: number[];
  /**
   * Per stream, how late its events arrived on average against the upstream's schedule (event k
   * is sent k × intervalMs after the first): mean over k of (arrival of event k − k × intervalMs),
   * from the start of the request. A hop that adds a constant delay adds it here; a hop that
   * holds events back and sends them in a burst adds the holding time.
   */
  eventDelay: number[];
  /** Most streams open (first byte received, not yet ended) at one time. */
  peakOpen: number;
  firstError?: string;
}

/** Counts streams that are open right now (read by the memory sampler). */
export interface OpenGauge {
  open: number;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
  }
  return String(err);
}

/** Runs `total` non-stream POSTs with `concurrency` in flight; stops early at `timeLimitMs`. */
export async function runRequests(
  ep: Endpoint,
  body: string,
  concurrency: number,
  total: number,
  timeLimitMs: number,
): Promise<RequestsResult> {
  const latencies: number[] = [];
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + timeLimitMs;
  const signal = AbortSignal.timeout(timeLimitMs + 5_000);
  const worker = async () => {
    while (issued < total && performance.now() < deadline) {
      issued += 1;
      const t0 = performance.now();
      try {
        const res = await ep.dispatcher.request({
          origin: ep.origin,
          path: ep.path,
          method: 'POST',
          headers: ep.headers,
          body,
          signal,
        });
        const bytes = await res.body.arrayBuffer();
        if (res.statusCode !== 200 || bytes.byteLength === 0) {
          errors += 1;
          firstError ??= `status ${res.statusCode}: ${Buffer.from(bytes).toString('utf8').slice(0, 300)}`;
        } else {
          latencies.push(performance.now() - t0);
        }
      } catch (err) {
        errors += 1;
        firstError ??= errorText(err);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { completed: latencies.length, errors, elapsedMs: performance.now() - started, latencies, firstError };
}

/** Runs `total` streams with `concurrency` open; a stream counts only if it ends with `[DONE]`. */
export async function runStreams(
  ep: Endpoint,
  body: string,
  concurrency: number,
  total: number,
  timeLimitMs: number,
  intervalMs: number,
  gauge: OpenGauge = { open: 0 },
): Promise<StreamsResult> {
  const result: StreamsResult = {
    completed: 0,
    errors: 0,
    elapsedMs: 0,
    ttfb: [],
    total: [],
    gaps: [],
    eventDelay: [],
    peakOpen: 0,
  };
  let issued = 0;
  const started = performance.now();
  const deadline = started + timeLimitMs;
  const signal = AbortSignal.timeout(timeLimitMs + 5_000);
  const fail = (why: string) => {
    result.errors += 1;
    result.firstError ??= why;
  };
  const one = async () => {
    const t0 = performance.now();
    let first = -1;
    let last = 0;
    let tail = '';
    let opened = false;
    let events = 0;
    let lateness = 0;
    const gaps: number[] = [];
    try {
      const res = await ep.dispatcher.request({
        origin: ep.origin,
        path: ep.path,
        method: 'POST',
        headers: ep.headers,
        body,
        signal,
      });
      for await (const chunk of res.body) {
        const now = performance.now();
        if (first < 0) {
          first = now;
          opened = true;
          gauge.open += 1;
          result.peakOpen = Math.max(result.peakOpen, gauge.open);
        } else {
          gaps.push(now - last);
        }
        last = now;
        // An SSE event ends with a blank line; one may straddle two chunks.
        const text = tail.slice(-1) + (chunk as Buffer).toString('latin1');
        for (let at = text.indexOf('\n\n'); at >= 0; at = text.indexOf('\n\n', at + 2)) {
          lateness += now - t0 - events * intervalMs;
          events += 1;
        }
        tail = (tail + text.slice(1)).slice(-64);
      }
      if (res.statusCode !== 200) return fail(`status ${res.statusCode}: ${tail}`);
      if (!tail.includes('data: [DONE]')) return fail(`stream ended without [DONE]: …${JSON.stringify(tail)}`);
      result.completed += 1;
      result.ttfb.push(first - t0);
      result.total.push(last - t0);
      result.eventDelay.push(lateness / Math.max(1, events));
      for (const g of gaps) result.gaps.push(g);
    } catch (err) {
      fail(errorText(err));
    } finally {
      if (opened) gauge.open -= 1;
    }
  };
  const worker = async () => {
    while (issued < total && performance.now() < deadline) {
      issued += 1;
      await one();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.elapsedMs = performance.now() - started;
  return result;
}

/** The `q` quantile (0..1) of `values` (nearest rank); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** The median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
