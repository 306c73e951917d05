/** Each domain's certificate, briefly (the Domain page has the details). */
import { asText as str } from '../../api.js';
import { empty, errorBox } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { certBadge, domainCerts } from '../../components/cert-badge.js';
import { table } from '../../components/table.js';
import { h } from '../../dom.js';
import { dateTime } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

/** The certificates of Caddy's status `caddy` (or the error that kept it away). */
export function certsCard(caddy: Json | undefined, err: unknown): HTMLElement {
  if (!caddy) return card(t('overview.certificates'), errorBox(err));
  const domains = domainCerts(caddy);
  if (!domains.length) return card(t('overview.certificates'), empty(t('overview.noDomains')));
  return card(
    t('overview.certificates'),
    table(
      t('overview.certificates'),
      [t('domain.domain'), t('domain.issuer'), t('domain.expires'), t('common.status')],
      domains.map(({ domain, cert: c, acmeErr }) => [
        domain,
        h('span', { translate: 'no' }, str(c.issuer) || str(c.issuerDir) || '—'),
        c.notAfter ? dateTime(str(c.notAfter)) : '—',
        h(
          'span',
          null,
          certBadge(c, acmeErr),
          acmeErr ? h('div', { class: 'muted small' }, str(acmeErr.error) || str(acmeErr.msg)) : null,
        ),
      ]),
    ),
    {
      actions: h('a', { href: '/admin/domain', 'data-nav': 'domain', class: 'btn btn-ghost btn-sm' }, t('nav.domain')),
    },
  );
}
