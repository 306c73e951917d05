/**
 * CSRF defence without tokens (scripts use `curl -u` with JSON: docs/admin-api.md, "Login and safety"): a state-changing
 * request that carries `Origin` or `Sec-Fetch-Site` comes from a browser, and must then be
 * same-origin. Requests without either header (curl, scripts) pass; browsers always send Origin
 * on POST/PUT/DELETE (Fetch standard, "append a request Origin header").
 */
import type { FastifyRequest } from 'fastify';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function first(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(',')[0]?.trim() || undefined;
}

/** `host` without the default port of `scheme`, lower-cased (Origin omits default ports, Host may not). */
function normalHost(host: string, scheme: string): string {
  const h = host.toLowerCase();
  if (scheme === 'https:' && h.endsWith(':443')) return h.slice(0, -4);
  if (scheme === 'http:' && h.endsWith(':80')) return h.slice(0, -3);
  return h;
}

/** Why `req` is refused as cross-origin, or undefined when it may proceed. */
export function crossOriginReason(req: FastifyRequest): string | undefined {
  if (SAFE_METHODS.has(req.method)) return undefined;
  const site = first(req.headers['sec-fetch-site']);
  // 'none' is a navigation the user typed; 'same-site' is another port or subdomain, not us.
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return `Sec-Fetch-Site is "${site}"`;
  const origin = first(req.headers.origin);
  if (origin === undefined) return undefined;
  // An opaque origin (sandboxed frame, file:, some redirects) is never this site.
  if (origin === 'null') return 'Origin is "null"';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `Origin "${origin}" is not a URL`;
  }
  // Caddy keeps Host and also sets X-Forwarded-Host to the host the browser used.
  const host = first(req.headers['x-forwarded-host']) ?? first(req.headers.host);
  if (!host) return 'the request has no Host header';
  // An origin is scheme, host and port (RFC 6454): http://host is another site than https://host
  // (a page injected into plain HTTP must not act on the HTTPS admin). `req.protocol` is the
  // scheme the browser used: X-Forwarded-Proto from Caddy (trusted from loopback), else http.
  const scheme = `${req.protocol}:`;
  if (url.protocol !== scheme) return `Origin ${url.origin} is not this site (${req.protocol}://${host})`;
  if (normalHost(url.host, url.protocol) !== normalHost(host, url.protocol))
    return `Origin ${url.origin} is not this site (${host})`;
  return undefined;
}
