/** Each domain's certificate as Caddy's status reports it, and its remaining life as a badge (Overview and Domain pages). */
import { asText, isRecord } from '../api.js';
import { daysLeft, relative } from '../format.js';
import { t } from '../i18n.js';
import { badge } from './status.js';

type Json = Record<string, unknown>;

/** The badge of certificate `c` (Caddy's local CA issues 12-hour leaves and renews them itself). */
export function certBadge(c: Json, acmeErr: Json | undefined): HTMLElement {
  if (!c.found) return badge(t('domain.noCert'), acmeErr ? 'error' : 'warn');
  const days = typeof c.daysLeft === 'number' ? c.daysLeft : undefined;
  const local = asText(c.issuerDir) === 'local';
  const text =
    days !== undefined && days < 1 ? t('fmt.expiresRelative', { when: relative(asText(c.notAfter)) }) : daysLeft(days);
  if (local) return badge(`${text} · ${t('domain.localCa')}`, 'ok');
  return badge(text, days !== undefined && days < 3 ? 'error' : days !== undefined && days < 14 ? 'warn' : 'ok');
}

/** A domain with its certificate (`found`, dates, issuer…) and its last ACME error. */
export interface DomainCert {
  domain: string;
  cert: Json;
  acmeErr: Json | undefined;
}

/** The domains of Caddy's status (GET /admin/api/caddy/status). */
export function domainCerts(status: Json): DomainCert[] {
  const domains = Array.isArray(status.domains) ? status.domains.filter(isRecord) : [];
  return domains.map((d) => ({
    domain: asText(d.domain),
    cert: isRecord(d.certificate) ? d.certificate : {},
    acmeErr: isRecord(d.lastAcmeError) ? d.lastAcmeError : undefined,
  }));
}
