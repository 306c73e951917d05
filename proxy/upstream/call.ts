/**
 * One HTTP exchange with an upstream through the process's undici Agent, with the timeouts of
 * `server.upstream` in their documented meaning, and a closed ladder that maps transport
 * failures to OpenAI-shaped gateway errors (timeouts → 504, refused/DNS/reset → 502).
 */
import type { Readable } from 'node:stream';
import { Agent, request, type Dispatcher } from 'undici';
import type { UpstreamSettings } from '../../common/config/schema.js';
import { UpstreamTimeoutError, UpstreamUnreachableError, upstreamBusy } from '../errors.js';
import { PoolGate, attachPoolGate, poolGateOf } from './pool-gate.js';

/** Timeouts for one request, in milliseconds; 0 disables one. */
export interface RequestTimeouts {
  /** Until the response headers arrive (Azure sends non-stream headers after generation). */
  headersMs: number;
  /** Longest silence between two body chunks. */
  idleMs: number;
  /** The whole exchange, body included. */
  totalMs: number;
}

/** The timeouts `server.upstream` asks for (the legacy pool.* names fill in absent ones). */
export function requestTimeouts(s: UpstreamSettings): RequestTimeouts {
  return {
    headersMs: s.firstByteTimeoutMs ?? s.pool.headersTimeoutMs,
    idleMs: s.idleTimeoutMs ?? s.pool.bodyTimeoutMs,
    totalMs: s.requestTimeoutMs,
  };
}

/** The shared connection pool: one Agent per process, a pool per upstream origin inside it. */
export function createUpstreamAgent(s: UpstreamSettings): Agent {
  const agent = new Agent({
    connections: s.pool.connections,
    pipelining: s.pool.pipelining,
    keepAliveTimeout: s.pool.keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(s.pool.keepAliveMaxTimeoutMs, s.pool.keepAliveTimeoutMs),
    // connectTimeoutMs means TCP (+TLS) connect only (docs/architecture.md, "Config contract").
    connect: { timeout: s.connectTimeoutMs || undefined },
    // Per-request values below override these; 0 here would disable them for good.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  // undici would queue a request for a busy pool without a deadline (pool-gate.ts).
  attachPoolGate(agent, new PoolGate(s.pool.connections, s.pool.queueTimeoutMs));
  return agent;
}

/** Marks an abort caused by the total timeout, so it maps to 504 rather than "client left". */
export class TotalTimeoutError extends Error {
  readonly code = 'GW_TOTAL_TIMEOUT';
  constructor(ms: number) {
    super(`no complete answer within ${ms} ms (requestTimeoutMs)`);
  }
}

/** An upstream response whose body is still to be read (or, for `buffered`, already read). */
export interface UpstreamExchange {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  /** The response body (undici's, or a WebSocket handshake's refusal). */
  body: Readable;
  signal: AbortSignal;
  /** The body, when it was read to inspect it (e.g. a 400 checked for `unknown_parameter`). */
  buffered?: Buffer;
}

export interface UpstreamCallOptions {
  dispatcher: Dispatcher;
  url: string;
  headers: Record<string, string>;
  /** POST by default; follow-ups on a stored response use GET and DELETE. */
  method?: 'POST' | 'GET' | 'DELETE';
  body?: string | Buffer | Readable;
  timeouts: RequestTimeouts;
  /** Aborted when the client goes away or the request's deadline passes. */
  signal: AbortSignal;
}

/** Sends the request; resolves at response headers. Throws a gateway error on transport failure. */
export async function callUpstream(upstreamName: string, opts: UpstreamCallOptions): Promise<UpstreamExchange> {
  const { signal } = opts;
  const gate = poolGateOf(opts.dispatcher);
  let leave: (() => void) | undefined;
  try {
    leave = await gate?.acquire(new URL(opts.url).origin, signal);
    const res = await request(opts.url, {
      dispatcher: opts.dispatcher,
      method: opts.method ?? 'POST',
      headers: opts.headers,
      body: opts.body,
      headersTimeout: opts.timeouts.headersMs,
      bodyTimeout: opts.timeouts.idleMs,
      signal,
    });
    // The connection is free again once the body is read to its end or destroyed.
    if (leave) res.body.once('close', leave);
    return { statusCode: res.statusCode, headers: res.headers, body: res.body, signal };
  } catch (err) {
    leave?.();
    throw toGatewayError(upstreamName, signal.aborted ? (signal.reason ?? err) : err);
  }
}

/** Error codes of undici and Node's net stack, mapped to "timed out" or "unreachable". */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'GW_TOTAL_TIMEOUT',
  'ETIMEDOUT',
]);
const DESCRIPTIONS: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout (connectTimeoutMs)',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time (firstByteTimeoutMs)',
  UND_ERR_BODY_TIMEOUT: 'the response stalled (idleTimeoutMs)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  UND_ERR_SOCKET: 'connection closed by the upstream',
  UND_ERR_CLOSED: 'connection closed',
  EPIPE: 'connection closed while sending',
  GW_POOL_WAIT_TIMEOUT: 'every connection stayed busy (pool.queueTimeoutMs)',
};

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** What went wrong, in a few words a user can act on. */
export function describeTransportError(err: unknown): string {
  const code = errorCode(err);
  if (code === 'GW_TOTAL_TIMEOUT' && err instanceof Error) return err.message;
  return (code && DESCRIPTIONS[code]) ?? (err instanceof Error ? err.message : String(err));
}

/** True when `err` is a timeout of any kind. */
export function isTimeout(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && TIMEOUT_CODES.has(code);
}

/** The gateway error (504 or 502) for a transport failure talking to `upstreamName`. */
export function toGatewayError(upstreamName: string, err: unknown): Error {
  const message = describeTransportError(err);
  if (errorCode(err) === 'GW_POOL_WAIT_TIMEOUT')
    return Object.assign(upstreamBusy(upstreamName, message, 1_000), { cause: err });
  const gw = isTimeout(err)
    ? new UpstreamTimeoutError(upstreamName, message)
    : new UpstreamUnreachableError(upstreamName, message);
  (gw as Error & { cause?: unknown }).cause = err;
  return gw;
}
