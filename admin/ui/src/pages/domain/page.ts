/**
 * Domain & TLS: the host names Caddy serves and gets certificates for, the ACME account e-mail,
 * the CA (production, staging, or a custom directory), DNS-01 with Azure DNS when this Caddy has
 * the module; each domain's certificate and Caddy's latest ACME log lines. Changes are applied
 * like any other config change; the steps of the last apply (and any rollback) stay on the page.
 * The addresses Caddy listens on now are read from its running config.
 */
import { getJson } from '../../api.js';
import { component, type Self } from '../../component.js';
import { errorBox } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { pageHeader } from '../../components/page-header.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { dateTime } from '../../format.js';
import { numberField } from '../../form/number-field.js';
import { stringListField } from '../../form/string-list-field.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';
import type { Page } from '../../page.js';
import { outcomeView } from '../../shell/outcome-view.js';
import { acmeLogCard } from './acme-log-card.js';
import { caChooser } from './ca-chooser.js';
import { certsCard } from './certs-card.js';
import { dnsCard } from './dns-card.js';

type Json = Record<string, unknown>;
type Settled = PromiseSettledResult<Json>;

/** What the page loads besides the config: Caddy's status and the DNS providers. */
interface DomainData {
  status: Settled;
  providers: Settled;
}

function CaddyStatus(signal: AbortSignal, self: Self<{ status: Settled }>): Child {
  const s = self.state.status;
  const value = s.status === 'fulfilled' ? s.value : undefined;
  const err = s.status === 'rejected' ? (s.reason as unknown) : undefined;
  const refresh = async () => {
    const [status] = await Promise.allSettled([getJson<Json>('/caddy/status', signal)]);
    if (!signal.aborted) self.set({ status });
  };
  return [listeningLine(value), certsCard(value, err), acmeLogCard(value, () => void refresh())];
}

// The ports in use, from Caddy's running config: what the fields below will change.
function listeningLine(status: Json | undefined): HTMLElement {
  const listening = Array.isArray(status?.listening) ? status.listening.filter((a) => typeof a === 'string') : [];
  if (!listening.length) return h('p', { class: 'help', id: 'listening' }, t('domain.listeningNone'));
  return h(
    'p',
    { class: 'help', id: 'listening' },
    `${t('domain.listening')} `,
    ...listening.flatMap((a, i) => [i ? ', ' : '', h('code', null, a)]),
  );
}

function domainsCard(): HTMLElement {
  const legacy = config.get('/server/caddy/domain');
  return card(
    t('domain.domains'),
    h(
      'div',
      null,
      typeof legacy === 'string' && legacy !== ''
        ? textField('/server/caddy/domain', { label: t('domain.primary'), size: 'lg', help: t('domain.primaryHelp') })
        : null,
      stringListField('/server/caddy/domains', {
        label: t('domain.domains'),
        addLabel: t('domain.addDomain'),
        itemLabel: (i) => t('domain.domainN', { n: i + 1 }),
        placeholder: 'gateway.example.com',
        help: t('domain.domainsHelp'),
      }),
      h(
        'details',
        { class: 'advanced' },
        h('summary', null, t('domain.ports')),
        h('p', { class: 'help' }, t('domain.portsHelp')),
        h(
          'div',
          { class: 'form-grid' },
          numberField('/server/caddy/httpsPort', { label: t('domain.httpsPort') }),
          numberField('/server/caddy/httpPort', { label: t('domain.httpPort') }),
        ),
      ),
    ),
    { path: '/server/caddy' },
  );
}

function acmeCard(): HTMLElement {
  return card(
    t('domain.acme'),
    h(
      'div',
      null,
      h(
        'div',
        { class: 'form-grid' },
        textField('/server/caddy/email', {
          label: t('domain.email'),
          type: 'email',
          size: 'md',
          help: t('domain.emailHelp'),
          autocomplete: 'email',
        }),
      ),
      caChooser(),
    ),
    { path: '/server/caddy/acme' },
  );
}

function draw({ status, providers }: DomainData, signal: AbortSignal): Child {
  const header = pageHeader(t('nav.domain'), t('domain.lead'));
  if (!config.original) return [header, errorBox(config.loadError ?? t('error.load'))];
  // The last apply, when it changed something on this page.
  const last = config.lastOutcome?.paths.some((p) => p.startsWith('/server/caddy')) ? config.lastOutcome : undefined;
  return [
    header,
    last
      ? card(t('domain.lastApply', { time: dateTime(last.at) }), outcomeView(last.outcome), { id: 'last-apply' })
      : null,
    domainsCard(),
    acmeCard(),
    dnsCard(
      providers.status === 'fulfilled' ? providers.value : undefined,
      providers.status === 'rejected' ? providers.reason : undefined,
    ),
    component(h('div', { class: 'stack' }), CaddyStatus, signal, { status }).host,
  ];
}

/** The Domain & TLS page. */
export const domainPage: Page<DomainData> = {
  title: 'nav.domain',
  lead: 'domain.lead',
  editsConfig: true,
  async load(signal) {
    const [, status, providers] = await Promise.allSettled([
      config.ensure(),
      getJson<Json>('/caddy/status', signal),
      getJson<Json>('/dns-providers', signal),
    ]);
    return { status, providers };
  },
  draw,
};
