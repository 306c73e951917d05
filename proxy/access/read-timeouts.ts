/**
 * The proxy's own limits on reading a request, derived from Caddy's public ones
 * (`server.caddy.timeouts`) so the two agree: Caddy cuts off a slow client first (its clock starts
 * earlier, at the client's first byte), and a client that reaches the proxy's loopback listener
 * directly — or a request Caddy forwards with a body that never arrives — is cut off a moment
 * later by the proxy itself. Node's `requestTimeout` covers reading the request only, never the
 * response, so streams are not limited by it.
 */
import type { Server } from 'node:http';
import type { Config } from '../../common/config/schema.js';

/** How often Node checks connections against the timeouts (its default, 30 s, is too coarse). */
export const CONNECTION_CHECK_INTERVAL_MS = 1_000;
/** The proxy's limits are this much longer than Caddy's, so Caddy's fire first. */
const MARGIN_MS = 1_000;

/** Node's `headersTimeout` and `requestTimeout` for `config` (0 = none, like Caddy's). */
export function proxyReadTimeouts(config: Readonly<Config>): { headersTimeout: number; requestTimeout: number } {
  const { readHeaderMs, readBodyMs } = config.server.caddy.timeouts;
  const requestTimeout = readBodyMs > 0 ? readBodyMs + MARGIN_MS : 0;
  // Node refuses a headers timeout longer than the request timeout.
  const headersTimeout = readHeaderMs > 0 ? Math.min(readHeaderMs + MARGIN_MS, requestTimeout || Infinity) : 0;
  return { headersTimeout, requestTimeout };
}

/** Sets the timeouts of `config` on the listening server (Node reads them at every check). */
export function applyReadTimeouts(server: Server, config: Readonly<Config>): void {
  const t = proxyReadTimeouts(config);
  server.headersTimeout = t.headersTimeout;
  server.requestTimeout = t.requestTimeout;
}
