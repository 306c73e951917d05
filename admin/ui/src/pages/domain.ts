/**
 * Domain & TLS: the host names Caddy serves and gets certificates for, the ACME account e-mail,
 * the CA (production, staging, or a custom directory), DNS-01 with Azure DNS when this Caddy has
 * the module; each domain's certificate and Caddy's latest ACME log lines. Changes are applied
 * like any other config change; the steps of the last apply (and any rollback) stay on the page.
 */
import { getJson, isRecord } from '../api.js';
import { outcomeView } from '../apply-view.js';
import { config } from '../config-state.js';
import { h, icon, mount } from '../dom.js';
import { dateTime, relative, timeOfDay } from '../format.js';
import { certBadge } from './overview.js';
import { numberField, secretField, selectField, setFieldErrors, stringListField, textField } from '../form.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { check, schemaAt } from '../schema.js';
import { card, empty, errorBox, loading, pageHeader, table } from '../ui.js';

type Json = Record<string, unknown>;
const CA = '/server/caddy/acme/ca';

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function caChooser(): HTMLElement {
  const current = str(config.get(CA));
  const kind = current === '' || current === 'production' ? 'production' : current === 'staging' ? 'staging' : 'custom';
  const urlId = 'ca-url';
  const url = h('input', { id: urlId, type: 'url', value: kind === 'custom' ? current : '', placeholder: 'https://acme.example.com/directory', spellcheck: 'false', autocomplete: 'off', 'data-path': CA, 'aria-describedby': `${urlId}-help ${urlId}-err` });
  const urlField = h(
    'div',
    { class: 'field field-lg', 'data-path': CA, 'data-field': '', hidden: kind !== 'custom' },
    h('label', { for: urlId }, t('domain.caUrl')),
    url,
    h('div', { class: 'help', id: `${urlId}-help` }, t('domain.caUrlHelp')),
    h('div', { class: 'errors', id: `${urlId}-err`, 'aria-live': 'polite' }),
  );
  const rootField = textField('/server/caddy/acme/caRoot', { label: t('domain.caRoot'), size: 'lg', help: t('domain.caRootHelp'), placeholder: '/app/data/ca-root.pem' });
  rootField.hidden = kind !== 'custom';
  url.addEventListener('input', () => {
    config.set(CA, url.value);
    setFieldErrors(urlField, check(schemaAt(config.schema, CA), url.value));
  });
  const radio = (value: string, label: string, help: string) => {
    const id = `ca-${value}`;
    const input = h('input', { type: 'radio', name: 'ca', id, value, checked: kind === value });
    input.addEventListener('change', () => {
      if (!input.checked) return;
      urlField.hidden = value !== 'custom';
      rootField.hidden = value !== 'custom';
      if (value === 'production') config.set(CA, config.stored(CA) === 'production' ? 'production' : undefined);
      else if (value === 'staging') config.set(CA, 'staging');
      else {
        config.set(CA, url.value);
        url.focus();
      }
    });
    return h('div', { class: 'radio-card' }, input, h('label', { for: id }, h('strong', null, label), h('span', { class: 'help' }, help)));
  };
  return h(
    'div',
    null,
    h('fieldset', { class: 'field radio-cards', 'data-path': '/server/caddy/acme', 'data-field': '' },
      h('legend', null, t('domain.ca')),
      radio('production', t('domain.caProduction'), t('domain.caProductionHelp')),
      radio('staging', t('domain.caStaging'), t('domain.caStagingHelp')),
      radio('custom', t('domain.caCustom'), t('domain.caCustomHelp')),
      h('div', { class: 'errors', 'aria-live': 'polite' }),
    ),
    h('div', { class: 'form-grid' }, urlField, rootField),
  );
}

function dnsCard(providers: Json | undefined, err: unknown): HTMLElement {
  const available = providers?.azure === true;
  const current = str(config.get('/server/caddy/acme/dns')) || 'none';
  const body = h('div', null);
  const draw = () => {
    const dns = str(config.get('/server/caddy/acme/dns')) || 'none';
    mount(
      body,
      providers ? h('p', { class: available ? 'help' : 'alert-inline' }, icon(available ? 'check' : 'alert', 16), str(providers.message)) : errorBox(err),
      h('div', { class: 'form-grid' },
        selectField('/server/caddy/acme/dns', {
          label: t('domain.dnsChallenge'),
          options: [{ value: 'none', label: t('domain.dnsNone') }, ...(available || current === 'azure' ? [{ value: 'azure', label: t('domain.dnsAzure') }] : [])],
          allowUnset: undefined,
          size: 'md',
          onChange: () => draw(),
        }),
      ),
      dns === 'azure'
        ? h('div', { class: 'form-grid' },
            textField('/server/caddy/acme/azure/subscriptionId', { label: t('domain.subscriptionId'), size: 'md' }),
            textField('/server/caddy/acme/azure/resourceGroupName', { label: t('domain.resourceGroup'), size: 'md' }),
            textField('/server/caddy/acme/azure/tenantId', { label: t('auth.tenantId'), size: 'md' }),
            textField('/server/caddy/acme/azure/clientId', { label: t('auth.clientId'), size: 'md', help: t('domain.dnsClientIdHelp') }),
            secretField('/server/caddy/acme/azure/clientSecret', { label: t('auth.clientSecret'), size: 'md' }),
          )
        : null,
    );
  };
  draw();
  return card(t('domain.dns'), body, { path: '/server/caddy/acme/azure' });
}

function certsCard(status: Json | undefined, err: unknown): HTMLElement {
  if (!status) return card(t('domain.certs'), errorBox(err));
  const domains = Array.isArray(status.domains) ? status.domains.filter(isRecord) : [];
  return card(
    t('domain.certs'),
    domains.length
      ? table(
          t('domain.certs'),
          [t('domain.domain'), t('domain.issuer'), t('domain.names'), t('domain.validFrom'), t('domain.expires'), t('common.status')],
          domains.map((d) => {
            const c = isRecord(d.certificate) ? d.certificate : {};
            const acmeErr = isRecord(d.lastAcmeError) ? d.lastAcmeError : undefined;
            return [
              str(d.domain),
              str(c.issuer) || str(c.issuerDir) || '—',
              Array.isArray(c.names) ? c.names.map(String).join(', ') : '—',
              c.notBefore ? dateTime(str(c.notBefore)) : '—',
              c.notAfter ? `${dateTime(str(c.notAfter))}` : '—',
              h(
                'div',
                null,
                certBadge(c, acmeErr),
                c.error ? h('div', { class: 'error-text small' }, str(c.error)) : null,
                acmeErr ? h('div', { class: 'error-text small' }, `${t('domain.lastAcmeError')} (${relative(str(acmeErr.time))}): ${str(acmeErr.error) || str(acmeErr.msg)}`) : null,
              ),
            ];
          }),
        )
      : empty(t('domain.noCertsYet')),
  );
}

function acmeLogCard(status: Json | undefined, onRefresh: () => void): HTMLElement {
  const lines = status && Array.isArray(status.acmeLog) ? status.acmeLog.filter(isRecord) : [];
  const line = (l: Json) => {
    const ts = typeof l.ts === 'number' ? l.ts * 1000 : str(l.ts);
    const level = str(l.level);
    const rest = Object.entries(l)
      .filter(([k]) => !['ts', 'level', 'logger', 'msg'].includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ');
    return h('li', { class: `log-line level-${level}` }, h('span', { class: 'log-time' }, ts ? timeOfDay(ts) : ''), h('span', { class: `log-level lv-${level}` }, level), h('span', { class: 'log-logger' }, str(l.logger)), h('span', { class: 'log-msg' }, str(l.msg)), rest ? h('span', { class: 'log-fields' }, rest) : null);
  };
  return card(
    t('domain.acmeLog'),
    lines.length ? h('ol', { class: 'log-list', tabindex: 0, 'aria-label': t('domain.acmeLog') }, lines.slice(-30).reverse().map(line)) : empty(t('domain.noAcmeLines')),
    { actions: h('button', { type: 'button', class: 'btn btn-ghost btn-sm', onClick: onRefresh }, icon('refresh', 16), t('action.refresh')) },
  );
}

/** The Domain & TLS page. */
export const domainPage: Page = {
  title: 'nav.domain',
  editsConfig: true,
  async render(root, signal) {
    mount(root, pageHeader(t('nav.domain'), t('domain.lead')), loading());
    const [, status, providers] = await Promise.allSettled([config.ensure(), getJson<Json>('/caddy/status', signal), getJson<Json>('/dns-providers', signal)]);
    if (signal.aborted) return;
    if (!config.original) {
      mount(root, pageHeader(t('nav.domain'), t('domain.lead')), errorBox(config.loadError ?? t('error.load')));
      return;
    }
    const statusBox = h('div', { class: 'stack' });
    const drawStatus = (s: PromiseSettledResult<Json>) => {
      const value = s.status === 'fulfilled' ? s.value : undefined;
      const err = s.status === 'rejected' ? (s.reason as unknown) : undefined;
      mount(statusBox, certsCard(value, err), acmeLogCard(value, () => void refresh()));
    };
    const refresh = async () => {
      const [s] = await Promise.allSettled([getJson<Json>('/caddy/status', signal)]);
      if (!signal.aborted) drawStatus(s);
    };
    const hasLegacyDomain = typeof config.get('/server/caddy/domain') === 'string' && config.get('/server/caddy/domain') !== '';
    // The last apply, when it changed something on this page.
    const last = config.lastOutcome?.paths.some((p) => p.startsWith('/server/caddy')) ? config.lastOutcome : undefined;
    mount(
      root,
      pageHeader(t('nav.domain'), t('domain.lead')),
      last ? card(t('domain.lastApply', { time: dateTime(last.at) }), outcomeView(last.outcome), { id: 'last-apply' }) : null,
      card(
        t('domain.domains'),
        h(
          'div',
          null,
          hasLegacyDomain ? textField('/server/caddy/domain', { label: t('domain.primary'), size: 'lg', help: t('domain.primaryHelp') }) : null,
          stringListField('/server/caddy/domains', { label: t('domain.domains'), addLabel: t('domain.addDomain'), itemLabel: (i) => t('domain.domainN', { n: i + 1 }), placeholder: 'gateway.example.com', help: t('domain.domainsHelp') }),
          h('details', { class: 'advanced' }, h('summary', null, t('domain.ports')), h('p', { class: 'help' }, t('domain.portsHelp')), h('div', { class: 'form-grid' }, numberField('/server/caddy/httpsPort', { label: t('domain.httpsPort') }), numberField('/server/caddy/httpPort', { label: t('domain.httpPort') }))),
        ),
        { path: '/server/caddy' },
      ),
      card(
        t('domain.acme'),
        h('div', null, h('div', { class: 'form-grid' }, textField('/server/caddy/email', { label: t('domain.email'), type: 'email', size: 'md', help: t('domain.emailHelp'), autocomplete: 'email' })), caChooser()),
        { path: '/server/caddy/acme' },
      ),
      dnsCard(providers.status === 'fulfilled' ? providers.value : undefined, providers.status === 'rejected' ? providers.reason : undefined),
      statusBox,
    );
    drawStatus(status);
  },
};
