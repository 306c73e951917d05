/**
 * How a closed trace crosses from the request thread to the exporter's thread (docs/telemetry.md,
 * "What it costs"): its numbers in a Float64Array, its ids' bytes in a Uint8Array, both
 * transferred with the run they belong to, and beside them only the strings that differ from the
 * previous trace's in the same place; a string that repeats (the method, the model, the key…)
 * crosses once. The answer's id, new in every trace, crosses as bytes beside the ids: a string
 * held by the run until it is posted would outlive two collections of the young generation and
 * be copied into the old one, a string per request. Writing a trace costs the request thread a
 * few dozen stores; structured cloning the trace as an object cost it about as much as encoding
 * it.
 */
import type { AnswerMeta } from '../gen-ai.js';
import type { ClosedRequest } from '../telemetry.js';
import type { SpanEvent } from './span-record.js';
import { HEX_DIGIT } from './trace-ids.js';

/**
 * Closed traces handed over together: one message, and one wake-up of the exporter's thread, per
 * RUN requests. Waking that thread is what its work costs most on a busy machine: a wake-up after
 * a few milliseconds asleep cost it 0.07-0.1 ms of CPU before any work, and each export's answer
 * wakes it again. Runs of 1,024 fill four batches of the default 512 spans, which leave and are
 * answered together (otlp-sender.ts); in the proxy the thread's CPU fell from 3.7-4.6 to 2.5-2.8
 * us per request against runs of 256 (docs/reports/telemetry-cost.md, "The eighth pass").
 */
export const RUN = 1024;

/** What an upstream try noted. */
export interface AttemptNotes {
  readonly spanId: string;
  readonly spanIdPool: Uint8Array | undefined;
  readonly spanIdAt: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly status: number;
  readonly failure: string;
  readonly failureMessage: string;
  readonly cooldownMs: number;
  readonly target: { readonly upstream: string; readonly deployment: string; readonly key: string };
}

/**
 * What a client request's trace noted. An id is its hex digits and, when this process cut it,
 * where its bytes are (trace-ids.ts, `lastCut`); a caller's ids have digits only.
 */
export interface TraceNotes {
  readonly traceId: string;
  readonly traceIdPool: Uint8Array | undefined;
  readonly traceIdAt: number;
  readonly spanId: string;
  readonly spanIdPool: Uint8Array | undefined;
  readonly spanIdAt: number;
  /** The caller's span id, empty for a root span. */
  readonly parentSpanId: string;
  readonly parentIdPool: Uint8Array | undefined;
  readonly parentIdAt: number;
  readonly traceState: string;
  readonly recording: boolean;
  readonly startMs: number;
  readonly endMs: number;
  readonly method: string;
  readonly url: string;
  readonly operation: string | undefined;
  readonly attempts: readonly AttemptNotes[];
  readonly events: SpanEvent[] | undefined;
  readonly meta: AnswerMeta;
  /** The code of the error that refused the request. */
  readonly errorType: string | undefined;
  readonly skipped: number;
  readonly cooldowns: number;
  readonly limit: string | undefined;
}

/** A closed trace as the exporter's thread reads it: every id's bytes in the run it came in. */
export interface ClosedTrace extends TraceNotes {
  readonly done: ClosedRequest;
}

/** One run of closed traces, as posted to the exporter's thread (its buffers transferred). */
export interface NotesRun {
  count: number;
  numbers: Float64Array<ArrayBuffer>;
  ids: Uint8Array<ArrayBuffer>;
  texts: unknown[];
}

// The places of the strings (and the rare arrays) a trace carries: a place's value crosses only
// when it differs from the one before in the same place.
const TEXT = {
  method: 0,
  url: 1,
  operation: 2,
  keyId: 3,
  team: 4,
  model: 5,
  target: 6,
  responseModel: 7,
  responseId: 8,
  finishReasons: 9,
  errorType: 10,
  limit: 11,
  traceState: 12,
  events: 13,
  upstream: 14,
  deployment: 15,
  targetKey: 16,
  failure: 17,
  failureMessage: 18,
} as const;
const TEXT_PLACES = 19;

// Numbers and texts written per trace and per attempt, and id bytes (see writeTrace).
const TRACE_NUMBERS = 10 + 14;
const ATTEMPT_NUMBERS = 4 + 5;
const TRACE_ID_BYTES = 16 + 8 + 8;
const SPAN_ID_BYTES = 8;
/**
 * The longest answer id that crosses as bytes (a Chat Completions id is 38 characters, a
 * Responses id 53); a longer one, or one with a character past ASCII, crosses as a string.
 */
const MAX_ANSWER_ID_BYTES = 128;
// Room per trace for its answer's id in a run's byte buffer.
const ANSWER_ID_ROOM = 64;
// A run's buffers: room for a run of single-try traces; a trace that does not fit starts a run.
const RUN_NUMBERS = RUN * (TRACE_NUMBERS + ATTEMPT_NUMBERS);
const RUN_ID_BYTES = RUN * (TRACE_ID_BYTES + SPAN_ID_BYTES + ANSWER_ID_ROOM);

const FLAG = { recording: 1, parent: 2, tokens: 4 } as const;

// What a text place holds when the reader may not have its value: equal to no value a trace has.
const UNSENT: unknown = Symbol('unsent');

/** Writes closed traces into runs, on the request thread. */
export class NotesWriter {
  private numbers = new Float64Array(RUN_NUMBERS);
  private ids = new Uint8Array(RUN_ID_BYTES);
  private texts: unknown[] = [];
  private n = 0;
  private i = 0;
  /** Traces in the run being written. */
  count = 0;
  // The value each text place had in the last trace written.
  private readonly last: unknown[] = new Array<unknown>(TEXT_PLACES).fill(undefined);

  /** Adds a closed trace to the run (a run that has no room for it is handed to `full` first). */
  write(t: TraceNotes, done: ClosedRequest, full: (run: NotesRun) => void): void {
    const tries = t.attempts.length;
    const numbers = TRACE_NUMBERS + tries * ATTEMPT_NUMBERS;
    const answerId = t.meta.responseId;
    const idBytes = TRACE_ID_BYTES + tries * SPAN_ID_BYTES + (answerId ? answerId.length : 0);
    if (this.n + numbers > this.numbers.length || this.i + idBytes > this.ids.length) {
      if (this.count > 0) full(this.take());
      if (numbers > this.numbers.length) this.numbers = new Float64Array(numbers);
      if (idBytes > this.ids.length) this.ids = new Uint8Array(idBytes);
    }
    const { acc } = done;
    const tokens = acc.tokens;
    this.number((t.recording ? FLAG.recording : 0) | (t.parentSpanId ? FLAG.parent : 0) | (tokens ? FLAG.tokens : 0));
    this.number(t.startMs);
    this.number(t.endMs);
    this.number(done.status);
    this.number(done.latencyMs);
    this.number(tokens ? tokens.prompt : 0);
    this.number(tokens ? tokens.completion : 0);
    this.number(t.skipped);
    this.number(t.cooldowns);
    this.number(tries);
    this.text(TEXT.method, t.method);
    this.text(TEXT.url, t.url);
    this.text(TEXT.operation, t.operation);
    this.text(TEXT.keyId, done.keyId);
    this.text(TEXT.team, done.team);
    this.text(TEXT.model, acc.model);
    this.text(TEXT.target, acc.target);
    this.text(TEXT.responseModel, t.meta.responseModel);
    this.answerId(answerId);
    this.reasons(t.meta.finishReasons);
    this.text(TEXT.errorType, t.errorType);
    this.text(TEXT.limit, t.limit);
    this.text(TEXT.traceState, t.traceState);
    this.text(TEXT.events, t.events);
    this.id(t.traceIdPool, t.traceIdAt, t.traceId, 16);
    this.id(t.spanIdPool, t.spanIdAt, t.spanId, 8);
    if (t.parentSpanId) this.id(t.parentIdPool, t.parentIdAt, t.parentSpanId, 8);
    for (const a of t.attempts) {
      this.number(a.startMs);
      this.number(a.endMs);
      this.number(a.status);
      this.number(a.cooldownMs);
      this.text(TEXT.upstream, a.target.upstream);
      this.text(TEXT.deployment, a.target.deployment);
      this.text(TEXT.targetKey, a.target.key);
      this.text(TEXT.failure, a.failure);
      this.text(TEXT.failureMessage, a.failureMessage);
      this.id(a.spanIdPool, a.spanIdAt, a.spanId, 8);
    }
    this.count++;
    if (this.count >= RUN) full(this.take());
  }

  /**
   * The reader will not see the runs taken so far (one was dropped): every string of the next
   * trace crosses again, so nothing it repeats is read from a run that never arrived.
   */
  forget(): void {
    this.last.fill(UNSENT);
  }

  /** The run written so far, and a fresh one begun. */
  take(): NotesRun {
    const run: NotesRun = { count: this.count, numbers: this.numbers, ids: this.ids, texts: this.texts };
    this.numbers = new Float64Array(RUN_NUMBERS);
    this.ids = new Uint8Array(RUN_ID_BYTES);
    this.texts = [];
    this.n = 0;
    this.i = 0;
    this.count = 0;
    return run;
  }

  private number(v: number): void {
    this.numbers[this.n++] = v;
  }

  // -1 for the value the place had in the trace before, else where the new value is in `texts`.
  private text(place: number, v: unknown): void {
    if (v === this.last[place]) {
      this.numbers[this.n++] = -1;
      return;
    }
    this.last[place] = v;
    this.numbers[this.n++] = this.texts.length;
    this.texts.push(v);
  }

  /**
   * The answer's id: its characters in the run's bytes, where it comes in the order of writing,
   * and -2 - its length in the numbers (the reader tells that from a text's place, at least 0,
   * and from -1, the value before).
   */
  private answerId(v: string | undefined): void {
    if (v === undefined || v.length > MAX_ANSWER_ID_BYTES) return this.text(TEXT.responseId, v);
    const { ids, i } = this;
    for (let k = 0; k < v.length; k++) {
      const c = v.charCodeAt(k);
      // Nothing is kept until every character fits in a byte.
      if (c > 0x7f) return this.text(TEXT.responseId, v);
      ids[i + k] = c;
    }
    this.i = i + v.length;
    this.last[TEXT.responseId] = v;
    this.numbers[this.n++] = -2 - v.length;
  }

  // Finish reasons are a new array in every answer; one that holds what the last one did repeats.
  private reasons(v: string[]): void {
    const last = this.last[TEXT.finishReasons];
    const same =
      Array.isArray(last) && last.length === v.length && (v.length === 0 || (v.length === 1 && v[0] === last[0]));
    if (same) this.numbers[this.n++] = -1;
    else this.text(TEXT.finishReasons, v);
  }

  // An id's bytes, copied from the pool it was cut from or decoded from a caller's hex digits.
  private id(pool: Uint8Array | undefined, at: number, hex: string, bytes: number): void {
    const ids = this.ids;
    const i = this.i;
    if (pool) for (let k = 0; k < bytes; k++) ids[i + k] = pool[at + k]!;
    else
      for (let k = 0; k < bytes; k++)
        ids[i + k] = (HEX_DIGIT[hex.charCodeAt(2 * k)]! << 4) | HEX_DIGIT[hex.charCodeAt(2 * k + 1)]!;
    this.i = i + bytes;
  }
}

// A try as read back: one object per place in the list, filled again for every trace.
class ReadAttempt implements AttemptNotes {
  spanId = '';
  spanIdPool: Uint8Array | undefined = undefined;
  spanIdAt = 0;
  startMs = 0;
  endMs = 0;
  status = 0;
  failure = '';
  failureMessage = '';
  cooldownMs = -1;
  readonly target = { upstream: '', deployment: '', key: '' };
}

// A closed trace as read back: one object, filled again for every trace of every run, since the
// exporter encodes a trace's spans before it reads the next (closed-trace.ts).
class ReadTrace implements ClosedTrace {
  traceId = '';
  traceIdPool: Uint8Array | undefined = undefined;
  traceIdAt = 0;
  spanId = '';
  spanIdPool: Uint8Array | undefined = undefined;
  spanIdAt = 0;
  parentSpanId = '';
  parentIdPool: Uint8Array | undefined = undefined;
  parentIdAt = 0;
  traceState = '';
  recording = false;
  startMs = 0;
  endMs = 0;
  method = '';
  url = '';
  operation: string | undefined = undefined;
  readonly attempts: ReadAttempt[] = [];
  events: SpanEvent[] | undefined = undefined;
  readonly meta: { responseModel?: string; responseId?: string; finishReasons: string[] } = {
    responseModel: undefined,
    responseId: undefined,
    finishReasons: [],
  };
  errorType: string | undefined = undefined;
  skipped = 0;
  cooldowns = 0;
  limit: string | undefined = undefined;
  readonly tokens = { prompt: 0, completion: 0 };
  readonly acc: { model?: string; target?: string; tokens?: { prompt: number; completion: number } } = {
    model: undefined,
    target: undefined,
    tokens: undefined,
  };
  readonly done: { acc: ReadTrace['acc']; status: number; keyId: string; team?: string; latencyMs: number } = {
    acc: this.acc,
    status: 0,
    keyId: '',
    team: undefined,
    latencyMs: 0,
  };
}

/**
 * Reads runs of closed traces back, on the exporter's thread, in the order they were written.
 * Each trace is handed over in the same object, valid until the next one is read.
 */
export class NotesReader {
  private numbers: Float64Array<ArrayBuffer> = new Float64Array(0);
  private ids: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  private texts: unknown[] = [];
  private n = 0;
  private i = 0;
  private readonly last: unknown[] = new Array<unknown>(TEXT_PLACES).fill(undefined);
  private readonly t = new ReadTrace();
  // Attempt objects, one per place in a trace's list of tries, made as the longest list needs.
  private readonly attemptPool: ReadAttempt[] = [];

  /** `hex`: the encoder wants ids as hex digits too (OTLP/JSON). */
  constructor(private readonly hex: boolean) {}

  /** Hands each closed trace of `run` to `each`, in order. */
  read(run: NotesRun, each: (trace: ClosedTrace) => void): void {
    this.numbers = run.numbers;
    this.ids = run.ids;
    this.texts = run.texts;
    this.n = 0;
    this.i = 0;
    for (let k = 0; k < run.count; k++) each(this.trace());
  }

  private trace(): ClosedTrace {
    const { t } = this;
    const flags = this.number();
    t.recording = (flags & FLAG.recording) !== 0;
    t.startMs = this.number();
    t.endMs = this.number();
    t.done.status = this.number();
    t.done.latencyMs = this.number();
    t.tokens.prompt = this.number();
    t.tokens.completion = this.number();
    t.acc.tokens = flags & FLAG.tokens ? t.tokens : undefined;
    t.skipped = this.number();
    t.cooldowns = this.number();
    const tries = this.number();
    t.method = this.text(TEXT.method);
    t.url = this.text(TEXT.url);
    t.operation = this.text(TEXT.operation);
    t.done.keyId = this.text(TEXT.keyId);
    t.done.team = this.text(TEXT.team);
    t.acc.model = this.text(TEXT.model);
    t.acc.target = this.text(TEXT.target);
    t.meta.responseModel = this.text(TEXT.responseModel);
    t.meta.responseId = this.answerId();
    t.meta.finishReasons = this.text(TEXT.finishReasons);
    t.errorType = this.text(TEXT.errorType);
    t.limit = this.text(TEXT.limit);
    t.traceState = this.text(TEXT.traceState);
    t.events = this.text(TEXT.events);
    t.traceIdAt = this.id(16);
    t.traceIdPool = this.ids;
    t.traceId = this.hexOf(t.traceIdAt, 16);
    t.spanIdAt = this.id(8);
    t.spanIdPool = this.ids;
    t.spanId = this.hexOf(t.spanIdAt, 8);
    if (flags & FLAG.parent) {
      t.parentIdAt = this.id(8);
      t.parentIdPool = this.ids;
      t.parentSpanId = this.hexOf(t.parentIdAt, 8);
    } else {
      t.parentIdAt = 0;
      t.parentIdPool = undefined;
      t.parentSpanId = '';
    }
    t.attempts.length = 0;
    for (let k = 0; k < tries; k++) {
      const a = (this.attemptPool[k] ??= new ReadAttempt());
      a.startMs = this.number();
      a.endMs = this.number();
      a.status = this.number();
      a.cooldownMs = this.number();
      a.target.upstream = this.text(TEXT.upstream);
      a.target.deployment = this.text(TEXT.deployment);
      a.target.key = this.text(TEXT.targetKey);
      a.failure = this.text(TEXT.failure);
      a.failureMessage = this.text(TEXT.failureMessage);
      a.spanIdAt = this.id(8);
      a.spanIdPool = this.ids;
      a.spanId = this.hexOf(a.spanIdAt, 8);
      t.attempts.push(a);
    }
    return t;
  }

  private number(): number {
    return this.numbers[this.n++]!;
  }

  // The value of a text place: new in this run, or the one it had in the trace before.
  private text<T>(place: number): T {
    const at = this.numbers[this.n++]!;
    if (at >= 0) this.last[place] = this.texts[at];
    return this.last[place] as T;
  }

  // The answer's id: from the run's bytes, or a text place's value (see NotesWriter.answerId).
  private answerId(): string | undefined {
    const at = this.numbers[this.n]!;
    if (at > -2) return this.text(TEXT.responseId);
    this.n++;
    const length = -2 - at;
    const v = Buffer.from(this.ids.buffer, this.ids.byteOffset + this.i, length).toString('latin1');
    this.i += length;
    this.last[TEXT.responseId] = v;
    return v;
  }

  // Where the next id's bytes are in the run's id buffer.
  private id(bytes: number): number {
    const at = this.i;
    this.i += bytes;
    return at;
  }

  // An id's hex digits, when the encoder writes them (JSON); the protobuf encoder copies the bytes.
  private hexOf(at: number, bytes: number): string {
    return this.hex ? Buffer.from(this.ids.buffer, this.ids.byteOffset + at, bytes).toString('hex') : '';
  }
}
