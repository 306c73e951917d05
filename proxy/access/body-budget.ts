/**
 * A bound on the heap that parsed request bodies may hold together. A parsed body lives as long
 * as its request (a stream can last many minutes, and failover re-sends it), so a body takes its
 * share when it is parsed and gives it back when the response ends. Requests wait their turn in
 * order; a body larger than the whole budget waits until it can run alone, so no body under the
 * size limit is refused for being large, and none waits longer than `maxWaitMs`.
 */

/** A share of the budget, held until `release()` (idempotent). */
export interface BudgetLease {
  readonly bytes: number;
  /** Shrinks (or grows) the share, e.g. from the peak of parsing to what the parsed body keeps. */
  resize(bytes: number): void;
  release(): void;
}

/** A request for a share: resolves when admitted; `cancel()` withdraws it (the client left). */
export interface BudgetRequest {
  readonly granted: Promise<BudgetLease>;
  cancel(reason: Error): void;
}

/** The wait for a share took longer than `maxWaitMs`. */
export class BudgetWaitTimeoutError extends Error {
  readonly code = 'GW_BODY_BUDGET_WAIT';
}

interface Waiter {
  bytes: number;
  admit(): void;
  fail(err: Error): void;
}

/** FIFO byte budget with leases. */
export class BodyBudget {
  #used = 0;
  #peak = 0;
  readonly #waiters: Waiter[] = [];

  constructor(
    readonly totalBytes: number,
    readonly maxWaitMs: number,
  ) {
    if (!Number.isSafeInteger(totalBytes) || totalBytes < 1)
      throw new RangeError(`budget must be a positive number of bytes, got ${totalBytes}`);
  }

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** Most bytes held at once since construction. */
  get peak(): number {
    return this.#peak;
  }

  /** Requests waiting for a share. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Asks for `bytes`; admitted at once when they fit and nobody waits ahead. */
  request(bytes: number): BudgetRequest {
    const need = Math.max(0, Math.ceil(bytes));
    if (this.#waiters.length === 0 && this.#fits(need))
      return { granted: Promise.resolve(this.#lease(need)), cancel: () => undefined };
    let waiter!: Waiter;
    const granted = new Promise<BudgetLease>((resolve, reject) => {
      waiter = {
        bytes: need,
        admit: () => {
          clearTimeout(timer);
          resolve(this.#lease(need));
        },
        fail: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
    this.#waiters.push(waiter);
    const withdraw = (err: Error) => {
      const i = this.#waiters.indexOf(waiter);
      if (i < 0) return;
      this.#waiters.splice(i, 1);
      waiter.fail(err);
      // The head may have been the one blocking the others.
      this.#admit();
    };
    // Declared after the waiter on purpose: it can only be admitted or fail once this runs.
    const timer = setTimeout(
      () => withdraw(new BudgetWaitTimeoutError(`no room to parse the body within ${this.maxWaitMs} ms`)),
      this.maxWaitMs,
    );
    timer.unref();
    return { granted, cancel: withdraw };
  }

  #fits(need: number): boolean {
    return this.#used === 0 || this.#used + need <= this.totalBytes;
  }

  #lease(bytes: number): BudgetLease {
    let held = bytes;
    let released = false;
    this.#take(held);
    return {
      get bytes() {
        return held;
      },
      resize: (next: number) => {
        if (released) return;
        const n = Math.max(0, Math.ceil(next));
        this.#used += n - held;
        held = n;
        if (this.#used > this.#peak) this.#peak = this.#used;
        this.#admit();
      },
      release: () => {
        if (released) return;
        released = true;
        this.#used -= held;
        this.#admit();
      },
    };
  }

  #take(bytes: number): void {
    this.#used += bytes;
    if (this.#used > this.#peak) this.#peak = this.#used;
  }

  #admit(): void {
    while (this.#waiters.length > 0) {
      const head = this.#waiters[0] as Waiter;
      if (!this.#fits(head.bytes)) return;
      this.#waiters.shift();
      head.admit();
    }
  }
}
