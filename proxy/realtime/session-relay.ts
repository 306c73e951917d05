/**
 * One Realtime session between a client's WebSocket and the upstream's: every frame goes
 * through unchanged, text or binary, in both directions. Backpressure crosses the proxy: while
 * more than a high-water mark of one side's frames waits to be written to the other, the
 * proxy stops reading the sending side (its TCP window then closes), and reads again once the
 * backlog has drained. Token usage is read from each `response.done` event. The session ends
 * when either side closes: a clean close is passed on with its code, and an upstream that
 * breaks off (no close frame, an error) closes the client with 1014 "bad gateway"
 * (RFC 6455 §7.4; the IANA WebSocket close code registry).
 */
import type { RawData, WebSocket } from 'ws';
import { extractUsage, type TokenUsage } from '../usage/extract.js';

/** How a session ended. */
export type SessionEnd = 'closed' | 'upstream_error';

/** What the session tells its hub as it happens. */
export interface SessionHooks {
  log: { warn(obj: object, msg: string): void };
  /** Usage of one `response.done`. */
  onUsage(usage: TokenUsage): void;
}

/** Bytes waiting to be written to one side above which the other side is no longer read. */
export const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;

/** Close code for an upstream that failed, and the codes that may not be sent in a close frame. */
export const BAD_GATEWAY = 1014;
const NOT_SENDABLE = new Set([1004, 1005, 1006, 1015]);

function sendableCode(code: number): number {
  return code >= 1000 && code < 5000 && !NOT_SENDABLE.has(code) && (code < 1016 || code >= 3000) ? code : 1000;
}

function sizeOf(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** Frames from `from` written to `to`, with `from` paused while `to` is backed up. */
function pipeFrames(from: WebSocket, to: WebSocket, observe?: (data: RawData) => void): void {
  let waiting = 0;
  from.on('message', (data: RawData, isBinary: boolean) => {
    observe?.(data);
    if (to.readyState !== to.OPEN) return;
    const size = sizeOf(data);
    waiting += size;
    to.send(data, { binary: isBinary }, () => {
      waiting -= size;
      if (from.isPaused && waiting <= LOW_WATER_BYTES) from.resume();
    });
    if (waiting > HIGH_WATER_BYTES && !from.isPaused) from.pause();
  });
}

// Only `response.done` carries usage; a cheap test first, since most frames are deltas.
function usageOf(data: RawData): TokenUsage | undefined {
  if (Array.isArray(data) || data instanceof ArrayBuffer) return undefined;
  if (data.indexOf('"response.done"') === -1) return undefined;
  try {
    const event: unknown = JSON.parse(data.toString('utf8'));
    return (event as { type?: unknown }).type === 'response.done' ? extractUsage(event) : undefined;
  } catch {
    return undefined;
  }
}

/** Relays frames until either side closes; resolves once both are closed. `upstream` arrives paused. */
export function relaySession(client: WebSocket, upstream: WebSocket, hooks: SessionHooks): Promise<SessionEnd> {
  pipeFrames(client, upstream);
  pipeFrames(upstream, client, (data) => {
    const usage = usageOf(data);
    if (usage) hooks.onUsage(usage);
  });
  upstream.resume();
  return new Promise<SessionEnd>((resolve) => {
    let end: SessionEnd = 'closed';
    let open = 2;
    const closed = () => {
      if (--open === 0) resolve(end);
    };
    const failUpstream = (why: string) => {
      if (end === 'upstream_error' || client.readyState >= client.CLOSING) return;
      end = 'upstream_error';
      hooks.log.warn({ why }, 'realtime upstream failed; closing the client with 1014');
      client.close(BAD_GATEWAY, 'upstream connection failed');
    };
    upstream.on('error', (err: Error) => failUpstream(err.message));
    // A client's error ends its side; the close that follows closes the upstream.
    client.on('error', () => client.terminate());
    upstream.once('close', (code: number, reason: Buffer) => {
      // 1006: the connection dropped without a close frame.
      if (code === 1006) failUpstream('the connection dropped');
      else if (client.readyState < client.CLOSING) client.close(sendableCode(code), reason);
      closed();
    });
    client.once('close', (code: number, reason: Buffer) => {
      if (upstream.readyState < upstream.CLOSING) upstream.close(sendableCode(code), reason);
      closed();
    });
  });
}
