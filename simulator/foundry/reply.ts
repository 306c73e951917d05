// The contract between endpoint handlers and the HTTP layer, and the writer that puts a reply on
// the wire with the scenario's pacing (slow chunks, dropped connection) while watching for the
// client leaving.
//
// Handlers build the whole reply up front (it is small) as JSON or as pre-framed SSE events; the
// writer alone deals with time and sockets, so pacing and abort handling work the same for
// every endpoint.
import type { ServerResponse } from 'node:http';
import type { SimError } from './errors.js';
import type { Behaviour } from './scenarios.js';
import type { SimFile } from './multipart.js';

/** What an endpoint handler gets: the deployment, the model name to report, the body, the behaviour. */
export interface SimCall {
  deployment: string;
  model: string;
  /** The JSON body, or a multipart body's text fields. */
  body: Record<string, unknown>;
  /** A multipart body's files. */
  files?: SimFile[];
  behaviour: Behaviour;
}

/** What an endpoint handler returns; `tokens` feeds the `x-ratelimit-remaining-tokens` header. */
export type SimReply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string>; tokens: number }
  | { kind: 'sse'; frames: string[]; tokens: number }
  | { kind: 'bytes'; contentType: string; chunks: Buffer[]; tokens: number };

/** An Azure error as a JSON reply. */
export function errorReply(error: SimError): SimReply {
  return { kind: 'json', status: error.status, body: error.body, headers: error.headers, tokens: 0 };
}

/** One chat-completions style SSE event: `data: <json>` and a blank line. */
export function dataFrame(payload: unknown): string {
  return `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`;
}

/** One Responses API SSE event: `event: <type>`, `data: <json>` and a blank line. */
export function eventFrame(type: string, payload: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/** Hooks the writer calls so the server can tell its own hang-ups from the client's. */
export interface WriteHooks {
  /** Called just before the simulator itself destroys the socket (dropMidStream). */
  beforeSelfDestroy(): void;
}

/** Resolves true after `ms`, or false as soon as the response closes (client gone, server closing). */
export function pause(res: ServerResponse, ms: number): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

/** Writes one piece and waits until it is handed to the kernel (or the response closes). */
function writePiece(res: ServerResponse, piece: string | Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => resolve(false);
    res.once('close', onClose);
    res.write(piece, (err) => {
      res.off('close', onClose);
      resolve(!err && !res.destroyed);
    });
  });
}

/** Splits a JSON body into `n` pieces so that slow or dropped bodies work for non-stream calls too. */
function bodyPieces(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length));
  const pieces: string[] = [];
  for (let i = 0; i < count; i += 1) {
    pieces.push(text.slice(Math.floor((i * text.length) / count), Math.floor(((i + 1) * text.length) / count)));
  }
  return pieces;
}

/**
 * Writes `reply` to `res` with `headers`, pacing pieces by `behaviour.chunkIntervalMs` and
 * destroying the socket after `behaviour.dropAfterChunks` pieces; stops as soon as the client
 * leaves.
 */
export async function writeReply(
  res: ServerResponse,
  reply: SimReply,
  behaviour: Behaviour,
  headers: Record<string, string>,
  hooks: WriteHooks,
): Promise<void> {
  if (res.destroyed) return;
  const paced = behaviour.chunkIntervalMs > 0 || behaviour.dropAfterChunks !== undefined;
  if (reply.kind === 'json') {
    const text = JSON.stringify(reply.body);
    const all = { ...headers, ...reply.headers, 'content-type': 'application/json' };
    if (!paced) {
      res.writeHead(reply.status, { ...all, 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
      return;
    }
    // A paced JSON body goes out chunked: a client sees headers, then a trickle of bytes.
    res.writeHead(reply.status, all);
    res.flushHeaders();
    await writePaced(res, bodyPieces(text, behaviour.contentChunks ?? 4), behaviour, hooks);
    return;
  }
  if (reply.kind === 'bytes') {
    // Audio and file contents: chunked, as Azure streams them, unless nothing paces them.
    const length = paced ? {} : { 'content-length': String(reply.chunks.reduce((n, c) => n + c.length, 0)) };
    res.writeHead(200, { ...headers, 'content-type': reply.contentType, ...length });
    res.flushHeaders();
    await writePaced(res, reply.chunks, behaviour, hooks);
    return;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, must-revalidate',
  });
  res.flushHeaders();
  await writePaced(res, reply.frames, behaviour, hooks);
}

async function writePaced(
  res: ServerResponse,
  pieces: ReadonlyArray<string | Buffer>,
  behaviour: Behaviour,
  hooks: WriteHooks,
): Promise<void> {
  for (const [i, piece] of pieces.entries()) {
    if (behaviour.dropAfterChunks !== undefined && i >= behaviour.dropAfterChunks) {
      // No terminating chunk: the client sees the connection cut mid-body, as when a
      // front end in Azure drops it.
      hooks.beforeSelfDestroy();
      res.socket?.destroy();
      return;
    }
    if (i > 0 && !(await pause(res, behaviour.chunkIntervalMs))) return;
    if (!(await writePiece(res, piece))) return;
  }
  res.end();
}
