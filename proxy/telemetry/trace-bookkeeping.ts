/**
 * What a request's trace notes on the way, the same for both exporter paths (request-trace.ts on
 * the SDK, otlp/otlp-trace.ts): the operation its path names, its attempts, the answer's model, id and finish reasons, targets
 * skipped, cool-downs started, and the limit or error code that refused it.
 */
import { noteAnswer, operationOf, type AnswerMeta } from './gen-ai.js';
import type { TraceCounts } from './request-attributes.js';

/** The part of an attempt the bookkeeping touches. */
interface NotedAttempt {
  cooledDown(ms: number): void;
  end(): void;
}

/** The bookkeeping a trace class extends. */
export abstract class TraceBookkeeping<A extends NotedAttempt> {
  /** `gen_ai.operation.name` of the client path, read once (undefined: not a model operation). */
  readonly operation: string | undefined;
  attempts: A[] = [];
  readonly meta: AnswerMeta = { finishReasons: [] };
  /** Targets passed over, cool-downs started. */
  skipped = 0;
  cooldowns = 0;
  /** The code of the error, and the governance limit, that refused the request. */
  errorType: string | undefined;
  limit: string | undefined;

  constructor(url: string) {
    this.operation = operationOf(url);
  }

  /**
   * Adds an attempt. Nearly every request makes one, so the list is made for one: a first push
   * onto an empty array would reserve seventeen slots, and a trace's memory is what the young
   * generation copies while the request is open.
   */
  protected addAttempt(a: A): void {
    if (this.attempts.length === 0) this.attempts = [a];
    else this.attempts.push(a);
  }

  cooledDown(ms: number): void {
    this.cooldowns++;
    this.attempts[this.attempts.length - 1]?.cooledDown(ms);
  }

  answer(json: unknown): void {
    noteAnswer(this.meta, json);
  }

  refused(err: unknown): void {
    const e = err as { code?: unknown; gatewayLimit?: unknown };
    if (typeof e.gatewayLimit === 'string') this.limit = e.gatewayLimit;
    if (typeof e.code === 'string') this.errorType = e.code;
  }

  /** The counts the request span carries. */
  protected counts(): TraceCounts {
    const counts: TraceCounts = { attempts: this.attempts.length, skipped: this.skipped, cooldowns: this.cooldowns };
    if (this.limit) counts.limit = this.limit;
    return counts;
  }
}
