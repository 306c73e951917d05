/**
 * Sends encoded OTLP bodies to a collector over HTTP, off the request path: at most four exports
 * in flight and, waiting, as many bodies as hold 4,096 spans (from eight to 64; beyond that the
 * oldest waiting body is dropped and counted), each retried on a network error, 429, 502, 503 or
 * 504 with exponential backoff and the collector's Retry-After (OpenTelemetry's exporter rules),
 * five tries at most, ten seconds each. A collector that is down costs dropped telemetry and one
 * log line per outage, never a request.
 *
 * Four in flight because a run of closed traces (trace-notes.ts, `RUN`) fills four batches of
 * the default 512 spans at once: they leave together and their answers come back together, so
 * the exporter's thread wakes once for them rather than once per batch (docs/telemetry.md, "What
 * it costs").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';

/** What the exporter logs through: the proxy's logger, or the relay to it from the exporter's thread. */
export interface ExportLog {
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

/** Exports in flight at once, each on a connection of its own. */
export const EXPORTS_IN_FLIGHT = 4;
// Spans the waiting bodies may hold together: a run of 1,024 single-try traces is 2,048 spans,
// all handed over while the thread reads the run, before it can read any answer. Between eight
// bodies and 64: a body's buffer is 64 KiB or more (otlp-protobuf.ts), so a batch size set tiny
// must not let thousands of them wait for a collector that is down.
const WAITING_SPANS = 4096;
const MIN_WAITING = 8;
const MAX_WAITING = 64;
const TRIES = 5;
const TRY_TIMEOUT_MS = 10_000;
const RETRYABLE = new Set([429, 502, 503, 504]);

interface Job {
  url: string;
  body: Uint8Array;
  done: () => void;
}

class ExportError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly retryable = true,
  ) {
    super(message);
  }
}

function retryAfter(header: string | string[] | undefined): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds)) return Math.min(Math.max(seconds, 0), 30) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.min(Math.max(at - Date.now(), 0), 30_000) : undefined;
}

/** The exporter's HTTP side for one collector. */
export class OtlpSender {
  private readonly agent = new Agent({ connections: EXPORTS_IN_FLIGHT, keepAliveTimeout: 30_000 });
  private readonly waiting: Job[] = [];
  private inFlight = 0;
  private failing = false;
  private closing = false;
  private readonly stopping = new AbortController();
  /** Bodies dropped: the queue was full or every try failed. */
  dropped = 0;

  private readonly maxWaiting: number;

  /** `batchSpans`: the most spans a body holds (OTEL_BSP_MAX_EXPORT_BATCH_SIZE), which sizes the waiting queue. */
  constructor(
    private readonly contentType: string,
    private readonly headers: Readonly<Record<string, string>>,
    private readonly log: ExportLog,
    batchSpans = 512,
  ) {
    this.maxWaiting = Math.min(MAX_WAITING, Math.max(MIN_WAITING, Math.ceil(WAITING_SPANS / batchSpans)));
  }

  /** Queues `body` for `url`; resolves when it was sent or given up on (never rejects). */
  send(url: string, body: Uint8Array): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((done) => {
      if (this.waiting.length >= this.maxWaiting) {
        this.waiting.shift()?.done();
        this.dropped++;
      }
      this.waiting.push({ url, body, done });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < EXPORTS_IN_FLIGHT && this.waiting.length) {
      const job = this.waiting.shift()!;
      this.inFlight++;
      void this.deliver(job).finally(() => {
        this.inFlight--;
        job.done();
        this.pump();
      });
    }
  }

  private async deliver(job: Job): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.post(job);
        if (this.failing) {
          this.failing = false;
          this.log.info({ url: job.url }, 'telemetry export recovered');
        }
        return;
      } catch (err) {
        const e = err instanceof ExportError ? err : new ExportError(err instanceof Error ? err.message : String(err));
        if (!e.retryable || attempt >= TRIES || this.closing) {
          this.dropped++;
          if (!this.failing) {
            this.failing = true;
            this.log.warn(
              { url: job.url, err: e.message },
              'telemetry export failed; telemetry is dropped until it recovers',
            );
          }
          return;
        }
        // 1 s, 2 s, 4 s, 8 s with ±20 % jitter, or what the collector asked for.
        const backoff = e.retryAfterMs ?? 1000 * 2 ** (attempt - 1) * (0.8 + Math.random() * 0.4);
        await sleep(backoff, undefined, { ref: false, signal: this.stopping.signal }).catch(() => undefined);
      }
    }
  }

  private async post(job: Job): Promise<void> {
    // A try's own timer, cleared when it ends. AbortSignal.timeout's timer is not: it fired ten
    // seconds after every export, building the abort's DOMException, and waking the thread for it.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new ExportError('the collector took too long')), TRY_TIMEOUT_MS);
    // Like the sockets' own timers, it never keeps the process alive by itself.
    timer.unref();
    try {
      const res = await request(job.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { ...this.headers, 'content-type': this.contentType },
        body: job.body,
        headersTimeout: TRY_TIMEOUT_MS,
        bodyTimeout: TRY_TIMEOUT_MS,
        signal: timeout.signal,
      });
      await res.body.dump();
      if (res.statusCode >= 200 && res.statusCode < 300) return;
      throw new ExportError(
        `the collector answered ${res.statusCode}`,
        retryAfter(res.headers['retry-after']),
        RETRYABLE.has(res.statusCode),
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Takes nothing more and tries what is queued once (no retries), for at most `deadlineMs`: a
   * collector that is down must not hold up a stopping proxy. Then the connections close, and
   * whatever had not gone is dropped and counted.
   */
  async close(deadlineMs = 5_000): Promise<void> {
    this.closing = true;
    this.stopping.abort();
    const deadline = sleep(deadlineMs, 'late', { ref: false });
    if ((await Promise.race([this.idle().then(() => 'idle'), deadline])) === 'late') {
      // In-flight exports count themselves when the destroyed connections fail them.
      this.dropped += this.waiting.length;
      for (const job of this.waiting.splice(0)) job.done();
      await this.agent.destroy();
      return;
    }
    await this.agent.close();
  }

  /** Resolves when nothing is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.inFlight > 0 || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 10));
  }
}
