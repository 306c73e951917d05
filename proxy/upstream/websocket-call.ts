/**
 * Opening a WebSocket to an upstream (the Realtime API), shaped like any other upstream exchange
 * so failover treats it the same: an open socket is a 101; a refused handshake is the upstream's
 * status, headers and body (a 429 fails over, a 401 names the credential); a transport failure
 * or a handshake that takes too long is the same 502/504 gateway error as for HTTP calls. The
 * upstream credential (an Entra token or an api-key) goes in the handshake's headers.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import WebSocket from 'ws';
import type { UpstreamEntry } from '../../common/config/schema.js';
import { toGatewayError, type UpstreamExchange } from './call.js';
import { upstreamRequestHeaders } from './forward-headers.js';
import { credentialHeaders, type UpstreamLink } from './send.js';

/** An upstream handshake's outcome: the open socket on 101, paused until its frames have somewhere to go. */
export interface SocketExchange extends UpstreamExchange {
  socket?: WebSocket;
}

/** One WebSocket to open. */
export interface SocketRequest {
  upstream: UpstreamEntry;
  /** Path and query relative to the upstream's baseUrl. */
  path: string;
  clientHeaders: IncomingHttpHeaders;
  requestId: string;
  /** How long the handshake may take (connect and upgrade). */
  handshakeMs: number;
  /** Aborted when the client leaves: the handshake is abandoned. */
  signal: AbortSignal;
  /** The attempt's W3C trace context, replacing the client's (telemetry on). */
  traceHeaders?: Readonly<Record<string, string>>;
}

// Frames up to this size are accepted from Azure (audio deltas are far smaller).
const MAX_PAYLOAD = 64 * 1024 * 1024;

/** The ws(s):// URL of `path` on `baseUrl`. */
export function socketUrl(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/^http/i, 'ws') + path;
}

/** Opens the socket; resolves at the handshake's answer. */
export async function openUpstreamSocket(link: UpstreamLink, req: SocketRequest): Promise<SocketExchange> {
  const headers = {
    ...upstreamRequestHeaders(req.clientHeaders),
    ...req.traceHeaders,
    ...(await credentialHeaders(link, req.upstream, req.signal)),
    'x-request-id': req.requestId,
    'x-ms-client-request-id': req.requestId,
  };
  const socket = new WebSocket(socketUrl(req.upstream.baseUrl, req.path), {
    headers,
    handshakeTimeout: req.handshakeMs || undefined,
    maxPayload: MAX_PAYLOAD,
    perMessageDeflate: false,
  });
  const { signal } = req;
  return new Promise<SocketExchange>((resolve, reject) => {
    const onAbort = () => socket.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);
    socket.once('upgrade', (res) => {
      socket.once('open', () => {
        // Azure speaks first (session.created): hold its frames until the relay listens.
        socket.pause();
        settle();
        resolve({ statusCode: 101, headers: res.headers, body: Readable.from([]), signal, socket });
      });
    });
    socket.once('unexpected-response', (_request, res) => {
      settle();
      resolve({ statusCode: res.statusCode ?? 502, headers: res.headers, body: res, signal });
    });
    // `on`, not `once`: ws can report more than one error for a failed handshake.
    socket.on('error', (err: Error) => {
      settle();
      const reason = signal.aborted
        ? (signal.reason ?? err)
        : /timed out/i.test(err.message)
          ? Object.assign(err, { code: 'UND_ERR_HEADERS_TIMEOUT' })
          : err;
      reject(toGatewayError(req.upstream.name, reason));
    });
  });
}
