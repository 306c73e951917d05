/**
 * Client API requests that Caddy answered itself, read from its access log: its 413 beyond the
 * body limit, 502/503/504 while the proxy is down or unhealthy. The proxy never saw them, so its
 * request log cannot list them; the admin's request search adds them from here. A request the
 * proxy answered carries the proxy's `X-Request-Id` in its logged response headers, and is
 * skipped (it is in the proxy's log already).
 */
import { isRecord } from '../http-call.js';
import { scrubQuerySecrets } from '../config/redact.js';
import type { LogLine } from './log.js';
import type { RequestRecord } from '../../common/request-record.js';

/** A request Caddy answered, in the request log's shape (key and model unknown: Caddy checks neither). */
export interface CaddyRefusal extends RequestRecord {
  /** The `X-Request-Id` the client sent, if any (Caddy's own answers carry none). */
  id: string;
  error: string;
  upstream: false;
  counted: false;
  source: 'caddy';
}

// The paths Caddy routes to the proxy (caddy/partials/routes.hbs).
const CLIENT_API = /^\/(v1|openai)(\/|$)/;

function header(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  const v = headers[name];
  return Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

/** The client-API requests in `lines` that Caddy answered without the proxy, oldest first. */
export function caddyRefusals(lines: readonly LogLine[]): CaddyRefusal[] {
  const out: CaddyRefusal[] = [];
  for (const l of lines) {
    if (typeof l.logger !== 'string' || !l.logger.startsWith('http.log.access')) continue;
    const req = l.request;
    if (!isRecord(req) || typeof req.uri !== 'string' || typeof l.status !== 'number') continue;
    const path = req.uri.split('?')[0] ?? '';
    if (!CLIENT_API.test(path) || header(l.resp_headers, 'X-Request-Id') !== undefined) continue;
    out.push({
      at: typeof l.ts === 'number' ? Math.round(l.ts * 1000) : 0,
      id: header(req.headers, 'X-Request-Id') ?? '',
      method: typeof req.method === 'string' ? req.method : '',
      path: scrubQuerySecrets(path),
      keyId: '',
      model: '',
      target: '',
      status: l.status,
      ms: typeof l.duration === 'number' ? l.duration * 1000 : 0,
      error: 'answered_by_caddy',
      upstream: false,
      counted: false,
      source: 'caddy',
    });
  }
  return out;
}
