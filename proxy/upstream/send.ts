/**
 * Sending one request to an upstream: its credential (bounded in time, since token endpoints can
 * hang), the allowed client headers, the request ids, and the call itself.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { UpstreamEntry } from '../../common/config/schema.js';
import type { CredentialRegistry } from '../../common/credentials/upstream-credentials.js';
import { withDeadline } from '../../common/deadline.js';
import { UpstreamConfigError, UpstreamCredentialError } from '../errors.js';
import { callUpstream, type RequestTimeouts, type UpstreamExchange } from './call.js';
import { upstreamRequestHeaders } from './forward-headers.js';

/** How long a credential may take before the request fails with 502 (token endpoints can hang). */
export const CREDENTIAL_TIMEOUT_MS = 30_000;

/** What sending needs from the running proxy. */
export interface UpstreamLink {
  credentials: CredentialRegistry;
  dispatcher(): Dispatcher;
}

/** One request to an upstream. */
export interface UpstreamRequest {
  upstream: UpstreamEntry;
  /** Path and query relative to the upstream's baseUrl. */
  path: string;
  /** POST by default; follow-ups on a stored response use GET and DELETE. */
  method?: 'POST' | 'GET' | 'DELETE';
  /** A JSON body, already encoded, or a streamed one (an upload) with its `contentType`. */
  body?: string | Buffer | Readable;
  /** The body's type when it is not JSON (a multipart upload with its boundary). */
  contentType?: string;
  /** The length of a streamed body passed through unchanged (the client's own). */
  contentLength?: string;
  /** The client's headers, of which an allow-list goes upstream. */
  clientHeaders: IncomingHttpHeaders;
  requestId: string;
  timeouts: RequestTimeouts;
  /** Aborted when the client leaves or the request's deadline passes. */
  signal: AbortSignal;
  /** The attempt's W3C trace context, replacing the client's (telemetry on). */
  traceHeaders?: Readonly<Record<string, string>>;
}

/** The headers that authenticate a call to `upstream` (an Entra token or an api-key); 502 when they cannot be had in time. */
export async function credentialHeaders(
  link: UpstreamLink,
  upstream: UpstreamEntry,
  signal: AbortSignal,
): Promise<Record<string, string>> {
  const credential = link.credentials.get(upstream.name);
  if (!credential) throw new UpstreamConfigError(upstream.name, 'no credential is configured');
  try {
    return await withDeadline(
      credential.headers(),
      CREDENTIAL_TIMEOUT_MS,
      signal,
      'the token request did not finish in time',
    );
  } catch (err) {
    throw new UpstreamCredentialError(upstream.name, err instanceof Error ? err.message : String(err));
  }
}

/** Sends `req` with its upstream's credential; resolves at response headers. */
export async function sendUpstream(link: UpstreamLink, req: UpstreamRequest): Promise<UpstreamExchange> {
  const name = req.upstream.name;
  const authHeaders = await credentialHeaders(link, req.upstream, req.signal);
  const headers: Record<string, string> = {
    ...upstreamRequestHeaders(req.clientHeaders),
    ...req.traceHeaders,
    ...authHeaders,
    ...(req.body === undefined ? {} : { 'content-type': req.contentType ?? 'application/json' }),
    ...(req.contentLength === undefined ? {} : { 'content-length': req.contentLength }),
    // Identity encoding keeps the SSE tap able to read the stream (and loopback needs no gzip).
    'accept-encoding': 'identity',
    'x-request-id': req.requestId,
    'x-ms-client-request-id': req.requestId,
  };
  const url = req.upstream.baseUrl.replace(/\/+$/, '') + req.path;
  return callUpstream(name, {
    dispatcher: link.dispatcher(),
    url,
    headers,
    body: req.body,
    method: req.method,
    timeouts: req.timeouts,
    signal: req.signal,
  });
}
