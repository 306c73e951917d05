/** Each domain's certificate in detail, with the last ACME error. */
import { asText as str } from '../../api.js';
import { empty, errorBox } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { certBadge, domainCerts } from '../../components/cert-badge.js';
import { table } from '../../components/table.js';
import { h } from '../../dom.js';
import { dateTime, relative } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

function statusCell(c: Json, acmeErr: Json | undefined): HTMLElement {
  return h(
    'div',
    null,
    certBadge(c, acmeErr),
    c.error ? h('div', { class: 'error-text small' }, str(c.error)) : null,
    acmeErr
      ? h(
          'div',
          { class: 'error-text small' },
          `${t('domain.lastAcmeError')} (${relative(str(acmeErr.time))}): ${str(acmeErr.error) || str(acmeErr.msg)}`,
        )
      : null,
  );
}

/** The certificates of Caddy's status `status` (or the error that kept it away). */
export function certsCard(status: Json | undefined, err: unknown): HTMLElement {
  if (!status) return card(t('domain.certs'), errorBox(err));
  const domains = domainCerts(status);
  return card(
    t('domain.certs'),
    domains.length
      ? table(
          t('domain.certs'),
          [
            t('domain.domain'),
            t('domain.issuer'),
            t('domain.names'),
            t('domain.validFrom'),
            t('domain.expires'),
            t('common.status'),
          ],
          domains.map(({ domain, cert: c, acmeErr }) => [
            domain,
            h('span', { translate: 'no' }, str(c.issuer) || str(c.issuerDir) || '—'),
            Array.isArray(c.names) ? c.names.map(String).join(', ') : '—',
            c.notBefore ? dateTime(str(c.notBefore)) : '—',
            c.notAfter ? `${dateTime(str(c.notAfter))}` : '—',
            statusCell(c, acmeErr),
          ]),
        )
      : empty(t('domain.noCertsYet')),
  );
}
