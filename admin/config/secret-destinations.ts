/**
 * Where each stored secret is sent. A masked secret sent back keeps its stored value only while
 * it goes where it went before: otherwise an admin session (or whoever holds it) could save the
 * masked config with an upstream's `baseUrl` pointed at its own host and receive the stored
 * api-key with the next call, without ever having seen it. So a change of scheme, host or port of
 * an upstream — or of the sign-in authority, the DNS tenant and client, or the set of upstreams a
 * global credential serves — drops the secrets tied to it, and the new secret must be entered
 * again (docs/hardening.md, "Secrets follow their destination").
 */
import { isRecord } from '../http-call.js';

/** Entra's public-cloud authority, used when `authorityHost` is not set. */
const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';

/** `scheme://host:port` of a URL, with the default port spelled out; anything else as given. */
function origin(value: unknown): string {
  if (typeof value !== 'string') return `invalid:${String(value)}`;
  try {
    const url = new URL(value);
    const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
    return `${url.protocol}//${url.hostname.toLowerCase()}:${port}`;
  } catch {
    return `invalid:${value}`;
  }
}

function authority(auth: Record<string, unknown>): string {
  return `authority ${origin(typeof auth.authorityHost === 'string' && auth.authorityHost !== '' ? auth.authorityHost : DEFAULT_AUTHORITY)}`;
}

/**
 * For each destination-bound secret (named like secrets.ts names them), the places it or the
 * tokens made from it are sent to. `config` is any config-shaped value (not validated yet).
 */
export function secretDestinations(config: unknown): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  if (!isRecord(config)) return out;
  const add = (id: string, ...places: string[]) => {
    const set = out.get(id) ?? new Set<string>();
    for (const p of places) set.add(p);
    out.set(id, set);
  };
  const globalAuth = isRecord(config.auth) ? config.auth : {};
  // The global credentials exist even when no upstream uses them yet: an empty set of places.
  add('auth.apiKey');
  add('auth.clientSecret', authority(globalAuth));
  const upstreams = Array.isArray(config.upstreams) ? config.upstreams.filter(isRecord) : [];
  for (const u of upstreams) {
    const place = `upstream ${origin(u.baseUrl)}`;
    if (isRecord(u.auth)) {
      const id = `upstreams[${String(u.name)}].auth`;
      add(`${id}.apiKey`, place);
      add(`${id}.clientSecret`, place, authority(u.auth));
    } else {
      // An upstream without its own auth block is called with the global one.
      add('auth.apiKey', place);
      add('auth.clientSecret', place);
    }
  }
  const server = isRecord(config.server) ? config.server : {};
  const caddy = isRecord(server.caddy) ? server.caddy : {};
  const acme = isRecord(caddy.acme) ? caddy.acme : {};
  if (isRecord(acme.azure))
    add(
      'server.caddy.acme.azure.clientSecret',
      `tenant ${String(acme.azure.tenantId)}`,
      `client ${String(acme.azure.clientId)}`,
    );
  const adminAuth = isRecord(server.adminAuth) ? server.adminAuth : {};
  // The admin sign-in secret is sent to the issuer's token endpoint, for this client.
  if (isRecord(adminAuth.oidc))
    add(
      'server.adminAuth.oidc.clientSecret',
      `issuer ${String(adminAuth.oidc.issuer)}`,
      `client ${String(adminAuth.oidc.clientId)}`,
    );
  return out;
}

/** True when secret `id` would go somewhere in `next` that it did not go in `stored`. */
export function destinationChanged(
  id: string,
  next: Map<string, Set<string>>,
  stored: Map<string, Set<string>>,
): boolean {
  const before = stored.get(id);
  const after = next.get(id);
  if (!after) return false;
  if (!before) return after.size > 0;
  for (const place of after) if (!before.has(place)) return true;
  return false;
}
