/**
 * Closed-loop clients: each worker sends one request, reads the whole answer, checks it, records
 * the outcome and sends the next, until it is stopped, its deadline passes or it has sent its
 * quota. Outcomes carry their start and end times so a fault window can claim the ones it overlaps.
 */
import { sleep } from '../test/harness/ports.js';
import { describe, exchange, readStream, type Door, type StreamEnd } from './http.js';

/** What a client sends: the request, and how to check a 200 answer. */
export interface Op {
  /** A short label for reports, e.g. `chat`, `chat-stream`, `embeddings`. */
  label: string;
  model: string;
  stream: boolean;
  path: string;
  body: string;
  headers?: Record<string, string>;
  /** For non-stream ops: the field a successful JSON answer must have. */
  expectField?: string;
}

/** One finished request. */
export interface Outcome {
  client: string;
  door: Door['name'];
  /** The door's label (which protocol). */
  via: string;
  label: string;
  model: string;
  t0: number;
  t1: number;
  status: number;
  /** `ok`, or how it failed (stream ends, `status`, `bad_body`, `transport`, `timeout`). */
  result: 'ok' | Exclude<StreamEnd, 'complete'> | 'status' | 'bad_body' | 'timeout';
  /** Stream events seen (streams only). */
  events?: number;
  /** `error.code` of an error answer in OpenAI's shape. */
  code?: string;
  detail?: string;
}

/** A group of identical workers. */
export interface ClientGroup {
  name: string;
  /** The door of every worker, or of worker `w` (to spread a group over two protocols). */
  door: Door | ((worker: number) => Door);
  workers: number;
  /** The op for the n-th request of a worker (lets a group mix ops deterministically). */
  op: (n: number, worker: number) => Op;
  /** Pause between requests of one worker. */
  pauseMs?: number;
  /** Requests per worker at most. */
  maxPerWorker?: number;
  timeoutMs?: number;
}

/** A running load. */
export interface RunningLoad {
  outcomes: Outcome[];
  /** Stops the workers (each finishes its current request) and resolves when all have. */
  stop(): Promise<Outcome[]>;
}

function hasField(body: Buffer, field: string): boolean {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && field in parsed;
  } catch {
    return false;
  }
}

/** Sends one op through `door` and says how it went. */
export async function runOp(door: Door, op: Op, client: string, key: string, timeoutMs = 30_000): Promise<Outcome> {
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...op.headers };
  const base = { client, door: door.name, via: door.label, label: op.label, model: op.model };
  const t0 = Date.now();
  if (op.stream) {
    const r = await readStream(door, { method: 'POST', path: op.path, headers, body: op.body, timeoutMs });
    const result = r.end === 'complete' ? 'ok' : r.end;
    return {
      ...base,
      t0,
      t1: Date.now(),
      status: r.status,
      result,
      events: r.events,
      ...(r.detail !== undefined && result !== 'ok' ? { detail: r.detail } : {}),
    };
  }
  try {
    const a = await exchange(door, { method: 'POST', path: op.path, headers, body: op.body, timeoutMs });
    if (a.status !== 200) {
      const text = a.body.toString('utf8');
      const code = /"code"\s*:\s*"([^"]+)"/.exec(text)?.[1];
      return {
        ...base,
        t0,
        t1: Date.now(),
        status: a.status,
        result: 'status',
        ...(code ? { code } : {}),
        detail: text.slice(0, 300),
      };
    }
    if (op.expectField && !hasField(a.body, op.expectField))
      return {
        ...base,
        t0,
        t1: Date.now(),
        status: a.status,
        result: 'bad_body',
        detail: a.body.toString('utf8').slice(0, 300),
      };
    return { ...base, t0, t1: Date.now(), status: a.status, result: 'ok' };
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || /aborted|timeout/i.test(err.message));
    return {
      ...base,
      t0,
      t1: Date.now(),
      status: 0,
      result: timedOut ? 'timeout' : 'transport',
      detail: describe(err),
    };
  }
}

/** Starts `groups`; every worker stops by itself at `deadline` (epoch ms) at the latest. */
export function startLoad(groups: ClientGroup[], key: string, deadline: number): RunningLoad {
  const outcomes: Outcome[] = [];
  let stopped = false;
  const workers: Promise<void>[] = [];
  for (const g of groups) {
    for (let w = 0; w < g.workers; w++) {
      workers.push(
        (async () => {
          const max = g.maxPerWorker ?? Number.MAX_SAFE_INTEGER;
          for (let n = 0; n < max && !stopped && Date.now() < deadline; n++) {
            const left = deadline - Date.now();
            const door = typeof g.door === 'function' ? g.door(w) : g.door;
            outcomes.push(
              await runOp(
                door,
                g.op(n, w),
                g.name,
                key,
                Math.max(1_000, Math.min(g.timeoutMs ?? 30_000, left + 30_000)),
              ),
            );
            if (g.pauseMs) await sleep(g.pauseMs);
          }
        })(),
      );
    }
  }
  return {
    outcomes,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      return outcomes;
    },
  };
}

/** Outcomes that overlap [from, to]. */
export function within(outcomes: readonly Outcome[], from: number, to: number): Outcome[] {
  return outcomes.filter((o) => o.t1 >= from && o.t0 <= to);
}

/** Counts outcomes by result. */
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o.result] = (t[o.result] ?? 0) + 1;
  return t;
}

/** The ops the suite sends; `scenario` is the simulator scenario header value, if any. */
export const ops = {
  chat(model: string, scenario?: string): Op {
    return {
      label: 'chat',
      model,
      stream: false,
      path: '/v1/chat/completions',
      expectField: 'choices',
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 16 }),
      ...(scenario ? { headers: { 'x-sim-scenario': scenario } } : {}),
    };
  },
  chatStream(model: string, scenario?: string): Op {
    return {
      label: 'chat-stream',
      model,
      stream: true,
      path: '/v1/chat/completions',
      body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Count to twenty.' }] }),
      ...(scenario ? { headers: { 'x-sim-scenario': scenario } } : {}),
    };
  },
  responses(model: string): Op {
    return {
      label: 'responses',
      model,
      stream: false,
      path: '/v1/responses',
      expectField: 'output',
      body: JSON.stringify({ model, input: 'Say hello.' }),
    };
  },
  embeddings(model: string): Op {
    return {
      label: 'embeddings',
      model,
      stream: false,
      path: '/v1/embeddings',
      expectField: 'data',
      body: JSON.stringify({ model, input: ['soak test sentence one', 'soak test sentence two'] }),
    };
  },
};
