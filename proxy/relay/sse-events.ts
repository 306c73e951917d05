/**
 * A Transform that sits between the upstream streaming body and the client and parses
 * server-sent events on the side, following the WHATWG event-stream interpretation rules
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * It works on bytes and decodes UTF-8 only on complete lines, so a character split across
 * chunks is never corrupted, and it never scans a byte twice.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';

/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field, or undefined when absent or empty (the spec's default type "message"). */
  event: string | undefined;
  /** The data lines joined with "\n". */
  data: string;
  /** The spec's last-event-ID: the latest `id:` field seen in the stream, which persists across events. */
  id: string | undefined;
  /** The exact bytes of the event as received, terminating blank line included; may share memory with the chunks, so read-only. */
  raw: Buffer;
}

/** Options for {@link SseTap}. */
export interface SseTapOptions {
  /** Called for each complete event; a throw is swallowed so a bug here never breaks the client's stream. */
  onEvent?: (e: SseEvent) => void;
  /** When given, the tap frames its output by event and removes the bytes of events for which this returns true. */
  drop?: (e: SseEvent) => boolean;
  /**
   * When given (not with `drop`), the output is only what this returns for each event: the input's
   * own bytes (comments, an unterminated tail, events past `maxEventBytes`) never pass.
   */
  convert?: (e: SseEvent) => readonly string[];
  /** Called once the input has ended; what it returns closes the output. */
  trailer?: () => readonly string[];
  /** Largest pending event kept for parsing; past it the tap stops parsing and only passes bytes on. */
  maxEventBytes?: number;
}

/** What reaches the output: every input chunk as is, whole events minus dropped ones, or converted events. */
type Output = 'tap' | 'frame' | 'convert';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
/** 16 MiB: far above any real completion chunk, low enough that a runaway upstream cannot exhaust memory. */
const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;

/** Where a parser's output goes. */
type Sink = (chunk: Buffer | string) => void;

/**
 * The event parser with no stream around it: `write` each input chunk, then `end`; what reaches
 * the output is handed to the sink. {@link SseTap} wraps it as a Transform, {@link SseRelay} as
 * the one Readable between an upstream body and the client.
 */
class SseParser {
  readonly #onEvent: ((e: SseEvent) => void) | undefined;
  readonly #drop: ((e: SseEvent) => boolean) | undefined;
  readonly #convert: ((e: SseEvent) => readonly string[]) | undefined;
  readonly #trailer: (() => readonly string[]) | undefined;
  readonly #output: Output;
  readonly #max: number;
  /** False when nobody listens, or after the size limit was hit: then chunks just flow through. */
  #parsing: boolean;
  /** Raw bytes of the pending event (slices of the received chunks, not copies) and their total length. */
  #segs: Buffer[] = [];
  #segBytes = 0;
  /** Bytes of a line that started in an earlier chunk and has not ended yet. */
  #lineParts: Buffer[] = [];
  /** The last chunk ended in CR: whether an LF follows (CRLF is one line ending) is known only from the next chunk. */
  #cr = false;
  #firstLine = true;
  #type = '';
  #data: string[] = [];
  #lastId: string | undefined;
  /** The input broke off: an unfinished event is dropped at the end instead of passed on. */
  #brokenOff = false;
  readonly #push: Sink;

  constructor(opts: SseTapOptions, push: Sink) {
    this.#push = push;
    if (opts.drop && opts.convert) throw new Error('SseTap: drop and convert exclude each other');
    this.#onEvent = opts.onEvent;
    this.#drop = opts.drop;
    this.#convert = opts.convert;
    this.#trailer = opts.trailer;
    this.#output = opts.convert ? 'convert' : opts.drop ? 'frame' : 'tap';
    this.#max = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.#parsing = opts.onEvent !== undefined || this.#output !== 'tap';
  }

  /** Parses one input chunk, handing on what the output gets of it. */
  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    // Tap mode: the client gets the very same Buffer at once; parsing only watches. Framing
    // that gave up parsing passes bytes on the same way; conversion never passes input bytes.
    if (this.#output === 'tap' || (this.#output === 'frame' && !this.#parsing)) this.#push(chunk);
    if (this.#parsing) this.#parse(chunk);
  }

  /** The input broke off: what is pending of an unfinished event never reaches the output. */
  breakOff(): void {
    this.#brokenOff = true;
  }

  /** The input has ended: hands on what is still held, then the trailer. */
  end(): void {
    if (this.#parsing && !this.#brokenOff) {
      // A CR as the stream's last byte is a complete line ending after all.
      if (this.#cr) {
        this.#cr = false;
        if (this.#line(this.#takeLine(Buffer.alloc(0)))) this.#finish(Buffer.alloc(0));
      }
      // The spec discards an event that lacks its blank line at EOF; framing still hands its bytes on.
      if (this.#output === 'frame') for (const s of this.#segs) this.#push(s);
      this.#segs = [];
    }
    if (this.#trailer) this.#pushFrames(this.#trailer());
  }

  /** Pushes frames as one chunk: one write to the client instead of one per frame. */
  #pushFrames(frames: readonly string[]): void {
    if (frames.length === 1 && frames[0] !== undefined) this.#push(frames[0]);
    else if (frames.length > 1) this.#push(frames.join(''));
  }

  #parse(chunk: Buffer): void {
    let evStart = 0; // where the pending event's bytes begin in this chunk
    let lineStart = 0;
    let pos = 0;
    let lf = -2; // cached next LF / CR positions (-2 unknown, -1 none left), so each byte is scanned once
    let cr = -2;
    for (;;) {
      let end: number; // end of line content
      let next: number; // start of the next line, after the line ending
      if (this.#cr) {
        this.#cr = false;
        end = 0;
        next = chunk[0] === LF ? 1 : 0;
      } else {
        if (lf !== -1 && lf < pos) lf = chunk.indexOf(LF, pos);
        if (cr !== -1 && cr < pos) cr = chunk.indexOf(CR, pos);
        if (lf === -1 && cr === -1) break;
        end = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
        next = end + 1;
        if (end === cr) {
          if (next === chunk.length) {
            // Defer: dispatching now would make `raw` depend on where chunks happen to split.
            this.#cr = true;
            break;
          }
          if (chunk[next] === LF) next++;
        }
      }
      if (this.#segBytes + next - evStart > this.#max) return this.#giveUp(chunk.subarray(evStart));
      const line = this.#takeLine(chunk.subarray(lineStart, end));
      pos = lineStart = next;
      if (this.#line(line)) {
        this.#finish(chunk.subarray(evStart, next));
        evStart = next;
      }
    }
    const lineEnd = this.#cr ? chunk.length - 1 : chunk.length;
    if (lineStart < lineEnd) this.#lineParts.push(chunk.subarray(lineStart, lineEnd));
    if (evStart < chunk.length) {
      this.#segs.push(chunk.subarray(evStart));
      this.#segBytes += chunk.length - evStart;
    }
    if (this.#segBytes > this.#max) this.#giveUp(Buffer.alloc(0));
  }

  /** Joins a line's pieces; copies only when the line spans chunks. */
  #takeLine(last: Buffer): Buffer {
    if (this.#lineParts.length === 0) return last;
    this.#lineParts.push(last);
    const line = Buffer.concat(this.#lineParts);
    this.#lineParts = [];
    return line;
  }

  /** Applies one line to the pending event; returns true for a blank line, which ends the event. */
  #line(line: Buffer): boolean {
    let start = 0;
    if (this.#firstLine) {
      this.#firstLine = false;
      // The spec's decoder strips one BOM at the start of the stream.
      if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) start = 3;
    }
    if (line.length === start) return true;
    if (line[start] === COLON) return false; // comment, e.g. a keepalive
    const colon = line.indexOf(COLON, start);
    const field = line.toString('latin1', start, colon === -1 ? line.length : colon);
    let vStart = colon === -1 ? line.length : colon + 1;
    if (line[vStart] === SPACE) vStart++;
    const value = line.toString('utf8', vStart);
    if (field === 'data') this.#data.push(value);
    else if (field === 'event') this.#type = value;
    else if (field === 'id' && !value.includes('\0')) this.#lastId = value;
    return false; // `retry` and unknown fields are ignored
  }

  /** Ends the pending event at a blank line: dispatch it if it has data, then keep or drop its bytes. */
  #finish(tail: Buffer): void {
    if (tail.length > 0) this.#segs.push(tail);
    const segs = this.#segs;
    const data = this.#data;
    const type = this.#type;
    this.#segs = [];
    this.#segBytes = 0;
    this.#type = '';
    this.#data = [];
    const framing = this.#output === 'frame';
    if (data.length === 0 && !framing) return;
    // One copy at most, and none for an event that arrived inside a single chunk.
    const raw = segs.length === 1 && segs[0] !== undefined ? segs[0] : Buffer.concat(segs);
    let keep = true;
    if (data.length > 0) {
      const e: SseEvent = { event: type || undefined, data: data.join('\n'), id: this.#lastId, raw };
      try {
        this.#onEvent?.(e);
      } catch {
        // A faulty observer must not cost the client its response.
      }
      if (this.#convert) return this.#converted(e);
      try {
        keep = this.#drop?.(e) !== true;
      } catch {
        keep = true;
      }
    }
    // Events without data (comments, keepalives) are never dispatched but always passed on.
    if (keep && framing) this.#push(raw);
  }

  /** Pushes what `convert` makes of an event; a throw yields nothing for it, like a faulty observer. */
  #converted(e: SseEvent): void {
    let frames: readonly string[] = [];
    try {
      frames = this.#convert?.(e) ?? [];
    } catch {
      // As with a faulty observer: one bad event must not end the client's stream here.
    }
    this.#pushFrames(frames);
  }

  /** Over the limit: stop parsing; framing hands held bytes on unchanged and passes through from now on. */
  #giveUp(rest: Buffer): void {
    this.#parsing = false;
    if (this.#output === 'frame') {
      for (const s of this.#segs) this.#push(s);
      if (rest.length > 0) this.#push(rest);
    }
    this.#segs = [];
    this.#lineParts = [];
    this.#data = [];
  }
}

/**
 * Parses an upstream SSE body for events; passes bytes on unchanged, or with `drop`, minus the
 * dropped events, or with `convert`, as the converted events.
 */
export class SseTap extends Transform {
  readonly #parser: SseParser;

  constructor(opts: SseTapOptions = {}) {
    super();
    this.#parser = new SseParser(opts, (chunk) => void this.push(chunk));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.#parser.write(chunk);
    cb();
  }

  /** Ends the input after a failure: what is pending of an unfinished event never reaches the output. */
  breakOff(): void {
    this.#parser.breakOff();
    this.end();
  }

  override _flush(cb: TransformCallback): void {
    this.#parser.end();
    cb();
  }
}

/**
 * The same parsing as {@link SseTap}, as one Readable that reads `source` itself: the upstream
 * body's chunks are parsed and pushed as they arrive, with no writable side in between (one
 * stream layer fewer per relayed stream than `source.pipe(new SseTap())`). Backpressure: a full
 * buffer pauses `source`, a read resumes it. Destroying this destroys `source`.
 */
export class SseRelay extends Readable {
  readonly #parser: SseParser;
  readonly #source: Readable;
  #ended = false;

  constructor(source: Readable, opts: SseTapOptions = {}) {
    super();
    this.#source = source;
    this.#parser = new SseParser(opts, (chunk) => {
      if (!this.push(chunk)) source.pause();
    });
    source.on('data', (chunk: Buffer) => this.#parser.write(chunk));
    source.once('end', () => this.#finish());
  }

  override _read(): void {
    if (!this.#ended) this.#source.resume();
  }

  /** Ends the output after a failure of `source`: an unfinished event never reaches the output. */
  breakOff(): void {
    this.#parser.breakOff();
    this.#finish();
  }

  #finish(): void {
    if (this.#ended || this.destroyed) return;
    this.#ended = true;
    this.#parser.end();
    this.push(null);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#source.destroy();
    cb(err);
  }
}

/** The event's data parsed as JSON, or undefined for the `[DONE]` sentinel and for invalid JSON. */
export function parseJsonData(e: SseEvent): unknown | undefined {
  if (e.data === '[DONE]') return undefined;
  try {
    return JSON.parse(e.data) as unknown;
  } catch {
    return undefined;
  }
}
