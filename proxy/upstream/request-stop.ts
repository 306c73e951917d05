/**
 * When a request's upstream work must stop: the client left, or the request's overall deadline
 * (`requestTimeoutMs`) passed. One AbortController serves both reasons, rather than an
 * AbortSignal.any() per request (measurably costly on the hot path); every upstream call of the
 * request, failover attempts and the stream itself, carries its signal.
 */
import type { ServerResponse } from 'node:http';
import { TotalTimeoutError } from './call.js';

/** The stop signal of one client request. */
export class RequestStop {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  /** Epoch ms of the deadline (Infinity until started, or when there is none). */
  deadlineAt = Infinity;

  /** Watches `response` from now on: a client that leaves before it is finished stops the work. */
  constructor(response: ServerResponse) {
    response.once('close', () => {
      if (!response.writableFinished) this.#controller.abort(new Error('client disconnected'));
    });
  }

  /** Aborted with the reason work stopped (a TotalTimeoutError for the deadline). */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Starts the overall deadline: one timer for every attempt, retry and the stream itself. */
  startDeadline(totalMs: number): void {
    if (totalMs <= 0) return;
    this.deadlineAt = Date.now() + totalMs;
    this.#timer = setTimeout(() => this.#controller.abort(new TotalTimeoutError(totalMs)), totalMs);
  }

  /** Stops the deadline timer once the response is complete. */
  clear(): void {
    clearTimeout(this.#timer);
  }
}
