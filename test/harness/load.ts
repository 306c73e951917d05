/**
 * A bounded load for fault tests: `concurrency` loops send one request after another until
 * `stop()` is called, and every outcome is kept with when it ended, so a test can count client
 * errors and statuses before, during and after a fault.
 */
import OpenAI from 'openai';

/** One finished request: its HTTP status (200 for success), or 0 for a transport error the client gave up on. */
export interface Outcome {
  status: number;
  at: number;
  error?: string;
}

/** A running load. */
export interface Load {
  outcomes: Outcome[];
  /** Stops the loops and waits for the requests in flight. */
  stop(): Promise<Outcome[]>;
}

/** Starts `concurrency` loops calling `send(i)`. */
export function startLoad(concurrency: number, send: (i: number) => Promise<unknown>): Load {
  const outcomes: Outcome[] = [];
  let running = true;
  let n = 0;
  const loop = async () => {
    while (running) {
      const i = n++;
      try {
        await send(i);
        outcomes.push({ status: 200, at: Date.now() });
      } catch (err) {
        outcomes.push(
          err instanceof OpenAI.APIError && err.status !== undefined
            ? { status: err.status, at: Date.now(), error: err.message }
            : { status: 0, at: Date.now(), error: err instanceof Error ? err.message : String(err) },
        );
      }
    }
  };
  const loops = Array.from({ length: concurrency }, () => loop());
  return {
    outcomes,
    async stop() {
      running = false;
      await Promise.all(loops);
      return outcomes;
    },
  };
}
