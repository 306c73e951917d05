/**
 * The suite's HTTP clients: one undici Agent per way in (Caddy over HTTPS trusting its local CA,
 * the proxy's own listener, the admin service's), a bounded exchange that reads the whole answer,
 * and a stream reader that says how an event stream ended. Every call has a deadline.
 */
import { Agent, type Dispatcher } from 'undici';
import { loopbackTlsAgent } from '../test/harness/loopback-tls.js';

/** One way into the stack. */
export interface Door {
  name: 'caddy' | 'proxy' | 'admin';
  /** For reports: the door and its protocol, e.g. `Caddy (h2)`. */
  label: string;
  origin: string;
  dispatcher: Dispatcher;
}

/** A request as the suite sends it. */
export interface Req {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
}

/** A whole answer (body capped at `MAX_BODY_BYTES`). */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  ms: number;
}

/** How an event stream ended, as a client sees it. */
export type StreamEnd =
  /** `data: [DONE]` (chat) or `response.completed` (responses) was the last event. */
  | 'complete'
  /** The stream carried an error event the OpenAI SDKs raise (the gateway's clean failure). */
  | 'error_event'
  /** The connection ended without either: the client cannot tell a short answer from a failure. */
  | 'cut'
  /** Nothing more arrived before the deadline. */
  | 'hang'
  /** Not a 200 event stream (the status is in `status`). */
  | 'http_error'
  /** No answer at all (refused, reset before headers). */
  | 'transport';

/** What a stream reader saw. */
export interface StreamResult {
  status: number;
  end: StreamEnd;
  events: number;
  ms: number;
  detail?: string;
}

/** Answers are read whole up to this size; the rest is drained and dropped. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * An Agent for Caddy's site `localhost`: dials 127.0.0.1, checks the certificate against `ca`.
 * undici 8 negotiates HTTP/2 by default (as the OpenAI SDK's fetch does); `http1` forces HTTP/1.1,
 * one request per connection at a time, so one malformed request cannot take its neighbours'
 * streams down with a shared connection.
 */
export function caddyDoor(httpsPort: number, ca: string, http1 = false): Door {
  const dispatcher = loopbackTlsAgent(ca, { allowH2: !http1, keepAliveTimeout: 30_000 });
  return {
    name: 'caddy',
    label: http1 ? 'Caddy (HTTP/1.1)' : 'Caddy (h2)',
    origin: `https://localhost:${httpsPort}`,
    dispatcher,
  };
}

/** A plain-HTTP door on 127.0.0.1:`port` (the proxy's or the admin service's own listener). */
export function loopbackDoor(name: 'proxy' | 'admin', port: number): Door {
  return {
    name,
    label: `${name} (HTTP/1.1)`,
    origin: `http://127.0.0.1:${port}`,
    dispatcher: new Agent({ keepAliveTimeout: 30_000 }),
  };
}

function flatten(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The message of an error and of its cause, for reports. */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code = (err as { code?: unknown }).code;
  return `${err.name}${typeof code === 'string' ? ` ${code}` : ''}: ${err.message}${cause instanceof Error ? ` (${cause.message})` : ''}`;
}

/** Sends `req` through `door`, to be given up when `signal` aborts. */
function send(door: Door, req: Req, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  return door.dispatcher.request({
    origin: door.origin,
    path: req.path,
    method: req.method as Dispatcher.HttpMethod,
    headers: req.headers,
    body: req.body,
    signal,
  });
}

/** Sends `req` through `door` and reads the answer whole; throws on transport failure or deadline. */
export async function exchange(door: Door, req: Req): Promise<Answer> {
  const t0 = performance.now();
  const res = await send(door, req, AbortSignal.timeout(req.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    const buf = chunk as Buffer;
    if (size < MAX_BODY_BYTES) chunks.push(buf.subarray(0, MAX_BODY_BYTES - size));
    size += buf.length;
  }
  return {
    status: res.statusCode,
    headers: flatten(res.headers),
    body: Buffer.concat(chunks),
    ms: performance.now() - t0,
  };
}

/** How a finished event-stream text ended: its last meaningful event decides. */
export function classifyStream(text: string): { end: 'complete' | 'error_event' | 'cut'; events: number } {
  const blocks = text.split(/\r?\n\r?\n/).filter((b) => b.trim() !== '');
  let last: 'complete' | 'error_event' | 'other' = 'other';
  let sawError = false;
  for (const block of blocks) {
    const lines = block.split(/\r?\n/);
    const event = lines
      .find((l) => l.startsWith('event:'))
      ?.slice(6)
      .trim();
    const data = lines
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (data === '[DONE]' || event === 'response.completed') {
      last = 'complete';
      continue;
    }
    if (event === 'error' || /^\{"error":\{/.test(data)) {
      sawError = true;
      last = 'error_event';
      continue;
    }
    last = 'other';
  }
  // A complete stream ends with its terminator; an error event must be the last thing sent.
  const end = last === 'complete' && !sawError ? 'complete' : last === 'error_event' ? 'error_event' : 'cut';
  return { end, events: blocks.length };
}

/** Opens an event stream and reads it to its end (or the deadline). Never throws. */
export async function readStream(door: Door, req: Req): Promise<StreamResult> {
  const t0 = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('deadline')), req.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let status = 0;
  let text = '';
  try {
    const res = await send(door, req, controller.signal);
    status = res.statusCode;
    const type = String(res.headers['content-type'] ?? '');
    try {
      for await (const chunk of res.body) if (text.length < MAX_BODY_BYTES) text += (chunk as Buffer).toString('utf8');
    } catch (err) {
      if (controller.signal.aborted)
        return {
          status,
          end: 'hang',
          events: 0,
          ms: performance.now() - t0,
          detail: `no end within the deadline after ${text.length} bytes`,
        };
      // The connection broke mid-body: what arrived decides whether the client was told.
      const seen = classifyStream(text);
      return {
        status,
        end: seen.end === 'error_event' ? 'error_event' : 'cut',
        events: seen.events,
        ms: performance.now() - t0,
        detail: describe(err),
      };
    }
    if (status !== 200 || !type.startsWith('text/event-stream')) {
      return { status, end: 'http_error', events: 0, ms: performance.now() - t0, detail: text.slice(0, 300) };
    }
    const seen = classifyStream(text);
    return {
      status,
      ...seen,
      ms: performance.now() - t0,
      ...(seen.end !== 'complete' ? { detail: text.slice(-300) } : {}),
    };
  } catch (err) {
    const end = controller.signal.aborted ? 'hang' : 'transport';
    return { status, end, events: 0, ms: performance.now() - t0, detail: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Closes the doors' connection pools. */
export async function closeDoors(...doors: Door[]): Promise<void> {
  await Promise.all(doors.map((d) => d.dispatcher.close().catch(() => undefined)));
}
