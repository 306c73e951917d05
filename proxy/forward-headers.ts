/**
 * Which headers cross the proxy. Towards the upstream: the client's headers minus hop-by-hop
 * ones (RFC 9110 §7.6.1, including those named in `Connection`), minus everything that carries
 * the client's credentials or identity; the upstream credential is added by the caller.
 * Towards the client: the upstream's headers minus hop-by-hop and framing ones.
 */
import type { IncomingHttpHeaders } from 'node:http';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

// Never forwarded upstream: client credentials, cookies, and what the proxy sets itself.
const NOT_UPSTREAM = new Set([
  'authorization',
  'api-key',
  'x-api-key',
  'cookie',
  'host',
  'content-length',
  'content-type',
  'accept-encoding',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'via',
  'x-request-id',
  'x-ms-client-request-id',
  'ocp-apim-subscription-key',
  'expect',
]);

// Never passed back: framing the proxy redoes, and what would leak upstream session state.
const NOT_DOWNSTREAM = new Set(['content-length', 'set-cookie', 'x-request-id', 'date', 'server', 'strict-transport-security']);

function connectionTokens(value: string | string[] | undefined): Set<string> {
  const raw = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(raw.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean));
}

/** The client headers to send upstream (lower-cased names). */
export function upstreamRequestHeaders(client: IncomingHttpHeaders): Record<string, string> {
  const named = connectionTokens(client.connection);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(client)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_UPSTREAM.has(name) || named.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The upstream response headers to pass to the client. */
export function clientResponseHeaders(upstream: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const named = connectionTokens(upstream.connection);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || HOP_BY_HOP.has(name) || NOT_DOWNSTREAM.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  // Azure's own request id stays visible next to ours.
  const upstreamId = upstream['x-request-id'];
  if (typeof upstreamId === 'string') out['x-upstream-request-id'] = upstreamId;
  return out;
}
