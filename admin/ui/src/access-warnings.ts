/**
 * What a draft does to how the gateway and this console are reached, in plain words, for the
 * review step: new or dropped domains, a new CA, moved public ports, admin login turned off or its
 * user changed. Domain, TLS and port changes are staged by the server (docs/caddy.md, "Staged
 * changes"): the current address keeps working until the change is committed. DOM-free, so unit
 * tests import it.
 */
import type { MsgKey } from './i18n.js';

type Json = Record<string, unknown>;

/** One warning: a message key and its parameters. */
export interface AccessWarning {
  key: MsgKey;
  params: Record<string, string | number>;
}

/** Where the console is open now (from `location`). */
export interface Here {
  hostname: string;
  /** The HTTPS port in the address bar (443 when none is shown). */
  port: number;
}

function rec(v: unknown): Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};
}

/** `domain` ∪ `domains`, lower-cased, without empties and duplicates. */
export function domainsOf(config: unknown): string[] {
  const caddy = rec(rec(rec(config).server).caddy);
  const all = [caddy.domain, ...(Array.isArray(caddy.domains) ? caddy.domains : [])];
  return [...new Set(all.filter((d): d is string => typeof d === 'string' && d !== '').map((d) => d.toLowerCase()))];
}

function portOf(config: unknown, field: 'httpsPort' | 'httpPort', fallback: number): number {
  const v = rec(rec(rec(config).server).caddy)[field];
  return typeof v === 'number' ? v : fallback;
}

/** `https://host[:port]/admin`, the port left out when it is 443. */
export function adminUrl(host: string, port: number): string {
  return `https://${host}${port === 443 ? '' : `:${port}`}/admin`;
}

/** The warnings for applying `draft` over `stored`, seen from `here`. */
export function accessWarnings(stored: unknown, draft: unknown, here: Here): AccessWarning[] {
  const out: AccessWarning[] = [];
  const before = domainsOf(stored);
  const after = domainsOf(draft);
  const added = after.filter((d) => !before.includes(d));
  const removed = before.filter((d) => !after.includes(d));
  const httpsBefore = portOf(stored, 'httpsPort', here.port);
  const httpsAfter = portOf(draft, 'httpsPort', httpsBefore);
  const httpBefore = portOf(stored, 'httpPort', 0);
  const httpAfter = portOf(draft, 'httpPort', httpBefore);
  const acmeChanged =
    JSON.stringify(rec(rec(rec(stored).server).caddy).acme ?? null) !==
    JSON.stringify(rec(rec(rec(draft).server).caddy).acme ?? null);
  // The name the console will be reached at: the current one while it stays served (or when the
  // console is open on an address no domain names, such as an IP), else the first new domain.
  const hostStays = !removed.includes(here.hostname.toLowerCase());
  const nextHost = hostStays || !after[0] ? here.hostname : after[0];
  const portMoves = httpsAfter !== httpsBefore;

  if (added.length) out.push({ key: 'access.domainsAdded', params: { names: added.join(', ') } });
  else if (acmeChanged && after.length) out.push({ key: 'access.caChanged', params: { names: after.join(', ') } });
  if (portMoves || !hostStays) {
    out.push({
      key: 'access.adminMoves',
      params: { url: adminUrl(nextHost, httpsAfter), current: adminUrl(here.hostname, here.port) },
    });
  }
  if (removed.length) out.push({ key: 'access.domainsRemoved', params: { names: removed.join(', ') } });
  if (portMoves) out.push({ key: 'access.portConfirm', params: { port: httpsAfter } });
  if (httpAfter !== httpBefore) out.push({ key: 'access.httpPortMoves', params: { from: httpBefore, to: httpAfter } });
  if (added.length || acmeChanged || portMoves || httpAfter !== httpBefore) {
    out.push({ key: 'access.staged', params: {} });
  }
  const authBefore = rec(rec(rec(stored).server).adminAuth);
  const authAfter = rec(rec(rec(draft).server).adminAuth);
  if (authBefore.enabled === true && authAfter.enabled === false) out.push({ key: 'access.adminOff', params: {} });
  if (authAfter.enabled !== false && authBefore.username !== authAfter.username && authAfter.username !== undefined) {
    out.push({ key: 'access.userChanged', params: { user: String(authAfter.username) } });
  }
  const newPassword = authAfter.password;
  if (
    authAfter.enabled !== false &&
    typeof newPassword === 'string' &&
    newPassword !== '' &&
    newPassword !== '********'
  ) {
    out.push({ key: 'access.passwordChanged', params: {} });
  }
  return out;
}
