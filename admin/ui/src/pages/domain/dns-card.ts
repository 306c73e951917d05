/** DNS-01 with Azure DNS, offered when this Caddy has the module (GET /admin/api/dns-providers). */
import { asText } from '../../api.js';
import { component, type Self } from '../../component.js';
import { errorBox } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { secretField } from '../../form/secret-field.js';
import { selectField } from '../../form/select-field.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';

type Json = Record<string, unknown>;
const DNS = '/server/caddy/acme/dns';

interface DnsProps {
  providers: Json | undefined;
  err: unknown;
  /** The challenge stored when the page opened: Azure stays a choice if chosen, even without the module. */
  initial: string;
}

function azureFields(): HTMLElement {
  return h(
    'div',
    { class: 'form-grid' },
    textField('/server/caddy/acme/azure/subscriptionId', { label: t('domain.subscriptionId'), size: 'md' }),
    textField('/server/caddy/acme/azure/resourceGroupName', { label: t('domain.resourceGroup'), size: 'md' }),
    textField('/server/caddy/acme/azure/tenantId', { label: t('auth.tenantId'), size: 'md' }),
    textField('/server/caddy/acme/azure/clientId', {
      label: t('auth.clientId'),
      size: 'md',
      help: t('domain.dnsClientIdHelp'),
    }),
    secretField('/server/caddy/acme/azure/clientSecret', { label: t('auth.clientSecret'), size: 'md' }),
  );
}

/** The server's answer in the UI's language, built from its fields rather than its English message. */
function dnsSentence(providers: Json): string {
  if (providers.azure === true) return t('domain.dnsAvailable');
  const list = Array.isArray(providers.providers) ? providers.providers.map(String) : [];
  return t('domain.dnsMissing', {
    module: 'dns.providers.azure',
    have: list.length ? list.join(', ') : t('domain.dnsNoModules'),
  });
}

function DnsBody({ providers, err, initial }: DnsProps, self: Self<object>): Child {
  const available = providers?.azure === true;
  const dns = asText(config.get(DNS)) || 'none';
  return [
    providers
      ? h(
          'p',
          { class: available ? 'help' : 'alert-inline' },
          icon(available ? 'check' : 'alert', 16),
          dnsSentence(providers),
          available ? null : [' ', h('code', null, 'xcaddy build --with github.com/caddy-dns/azure')],
        )
      : errorBox(err),
    h(
      'div',
      { class: 'form-grid' },
      selectField(DNS, {
        label: t('domain.dnsChallenge'),
        options: [
          { value: 'none', label: t('domain.dnsNone') },
          ...(available || initial === 'azure' ? [{ value: 'azure', label: t('domain.dnsAzure') }] : []),
        ],
        size: 'md',
        onChange: () => self.redraw(),
      }),
    ),
    dns === 'azure' ? azureFields() : null,
  ];
}

/** The DNS card, given the providers' answer (or the error that kept it away). */
export function dnsCard(providers: Json | undefined, err: unknown): HTMLElement {
  const initial = asText(config.get(DNS)) || 'none';
  const body = component(h('div', null), DnsBody, { providers, err, initial }, {});
  return card(t('domain.dns'), body.host, { path: '/server/caddy/acme/azure' });
}
