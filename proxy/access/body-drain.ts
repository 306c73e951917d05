/**
 * The rest of a request body that an early answer did not need (401, 413, …), read and discarded.
 * Closing a connection with unread upload in it resets it, and Caddy, still writing that upload,
 * then answers an empty 502 instead of passing the real answer on; leaving the upload unread on a
 * kept-alive connection parks it. Reading the rest keeps the connection clean and usable
 * (docs/architecture.md, "Early answers drain the upload").
 */
import type { IncomingMessage } from 'node:http';

/** How much of an unread body is read and discarded, and for how long. */
export interface DrainLimits {
  maxBytes: number;
  maxMs: number;
}

/**
 * Starts discarding what is left of `req`'s body, up to `limits`; past them the connection is
 * destroyed. A declared length over `maxBytes` is read up to it too: Caddy forwards that much
 * before refusing the body itself, and a connection closed under its write is a 502.
 */
export function drainUnreadBody(req: IncomingMessage, limits: DrainLimits): void {
  let seen = 0;
  const stop = () => {
    clearTimeout(timer);
    req.off('data', count);
  };
  const giveUp = () => {
    stop();
    req.socket.destroy();
  };
  const count = (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > limits.maxBytes) giveUp();
  };
  const timer = setTimeout(giveUp, limits.maxMs);
  timer.unref();
  req.on('data', count);
  req.once('end', stop);
  req.once('error', stop);
  // Whatever the body was piped into (the body-limit counter of a request refused before its
  // parser ran) is never read again: left attached, it would pause the request for good.
  req.unpipe();
  req.resume();
}
