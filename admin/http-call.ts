/**
 * One HTTP request to a loopback service (Caddy's admin API, the proxy's internal listener) with
 * a whole-request timeout and a response size cap. Every call opens its own connection: Caddy
 * restarts its admin server on each /load and closes kept-alive sockets under the client (seen
 * on 2.6.2 as "other side closed" on the next request), so connection reuse only adds failures.
 */
import type http from 'node:http';
import { nodeHttp } from '../common/node-http.js';

/** Where a loopback service listens: a base URL, or a Unix socket (Caddy's `unix//path`). */
export interface HttpTarget {
  /** e.g. http://localhost:2019 (no trailing slash). */
  baseUrl: string;
  socketPath?: string;
}

/** A response read in full. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Options of one call. */
export interface HttpCallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Larger answers fail the call instead of filling memory. */
  maxBytes?: number;
}

/** A call that got no complete answer (refused, timed out, too large); `code` is Node's when known. */
export class HttpCallError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'HttpCallError';
  }
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Sends one request to `target` + `path` and reads the whole answer. */
export function httpCall(target: HttpTarget, path: string, opts: HttpCallOptions): Promise<HttpAnswer> {
  const url = new URL(path, `${target.baseUrl}/`);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return new Promise((resolve, reject) => {
    const fail = (err: Error & { code?: string }) => {
      const code = err.code;
      reject(
        err instanceof HttpCallError
          ? err
          : new HttpCallError(`${url.origin}${url.pathname}: ${code ?? err.message}`, code),
      );
    };
    const req = nodeHttp.request(
      {
        method: opts.method ?? 'GET',
        agent: false,
        ...(target.socketPath ? { socketPath: target.socketPath } : { host: url.hostname, port: url.port }),
        path: `${url.pathname}${url.search}`,
        headers,
        signal: AbortSignal.timeout(opts.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            req.destroy(
              new HttpCallError(`${url.origin}${url.pathname}: answer larger than ${maxBytes} bytes`, 'ETOOBIG'),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', fail);
      },
    );
    req.on('error', (err: Error & { code?: string }) => {
      if (err.name === 'AbortError' || err.name === 'TimeoutError')
        fail(new HttpCallError(`${url.origin}${url.pathname}: no answer within ${opts.timeoutMs} ms`, 'ETIMEDOUT'));
      else fail(err);
    });
    req.end(opts.body);
  });
}

/** Parses a JSON body into `unknown` (the caller narrows it); undefined when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** True for a plain JSON object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
