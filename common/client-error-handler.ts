/**
 * Requests Node's HTTP parser refuses before any route runs (headers over the limit, a malformed
 * request, a request timeout), answered in OpenAI's error shape instead of Fastify's own body. The
 * rest of what the client sent is read and discarded before the connection closes: closing a
 * socket with unread bytes in it resets the connection, and Caddy, still writing the request,
 * would then answer an empty 502 instead of passing this answer on (docs/architecture.md,
 * "Caddy's header limit is above the proxy's").
 */
import type { Socket } from 'node:net';
import { errorTypeForStatus, openAIError } from './openai-error.js';
import { PROXY_MAX_HEADER_BYTES } from './runtime-env.js';
import { nodeHttp } from './node-http.js';

/** After answering, at most this much of the rest of the request is read and discarded. */
const DRAIN_MAX_BYTES = 1_048_576;
/** …for at most this long. */
const DRAIN_MAX_MS = 5_000;

const answered = new WeakSet<Socket>();

function answerFor(code: string | undefined): { status: number; code: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return {
      status: 431,
      code: 'request_headers_too_large',
      message: `The request headers are larger than the limit of ${PROXY_MAX_HEADER_BYTES} bytes.`,
    };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, code: 'request_timeout', message: 'The request was not received in time.' };
  return { status: 400, code: 'invalid_http_request', message: 'The request is not valid HTTP.' };
}

/** Fastify's `clientErrorHandler`: an OpenAI-shaped answer, then a clean close. */
export function openAIClientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  // A reset socket is gone; every later parse error of an answered socket is the same one.
  if (err.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  // Node's rule: answer only if no response has started on this socket.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const a = answerFor(err.code);
    const body = JSON.stringify(openAIError(a.message, errorTypeForStatus(a.status), a.code));
    socket.write(
      `HTTP/1.1 ${a.status} ${nodeHttp.STATUS_CODES[a.status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  // A client too slow to finish its request gets no more time.
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return void socket.destroy();
  socket.end();
  // The parser is done with this socket: read the rest ourselves, bounded, then close.
  let seen = 0;
  const close = () => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, DRAIN_MAX_MS);
  timer.unref();
  socket.removeAllListeners('data');
  socket.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_MAX_BYTES) close();
  });
  socket.once('end', close);
  socket.once('close', () => clearTimeout(timer));
  socket.resume();
}
