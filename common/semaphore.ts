/** A FIFO counting semaphore: bounds how many of an expensive thing run at once; `peak` records the most holders seen. */
export class Semaphore {
  #limit: number;
  #active = 0;
  #peak = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Semaphore.#check(limit);
  }

  static #check(limit: number): number {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
    return limit;
  }

  /** Holders right now. */
  get active(): number {
    return this.#active;
  }
  /** Most holders at once since construction. */
  get peak(): number {
    return this.#peak;
  }
  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Changes the limit; raising it admits waiters at once, lowering it lets holders drain. */
  setLimit(limit: number): void {
    this.#limit = Semaphore.#check(limit);
    this.#admit();
  }

  /** Runs `fn` once a slot is free and releases the slot however `fn` ends. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    else this.#take();
    try {
      return await fn();
    } finally {
      this.#active--;
      this.#admit();
    }
  }

  #take(): void {
    this.#active++;
    if (this.#active > this.#peak) this.#peak = this.#active;
  }

  #admit(): void {
    while (this.#active < this.#limit && this.#waiters.length > 0) {
      this.#take();
      (this.#waiters.shift() as () => void)();
    }
  }
}
