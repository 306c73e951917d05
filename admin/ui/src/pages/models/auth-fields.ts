/** How the gateway authenticates to an upstream: the modes and each mode's fields. */
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { secretField } from '../../form/secret-field.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';

/** The auth modes, in the order the selects offer them. */
export const AUTH_MODES = ['defaultAzureCredential', 'managedIdentity', 'servicePrincipal', 'apiKey', 'none'] as const;

/** The translated name of auth mode `m`. */
export function authModeLabel(m: string): string {
  switch (m) {
    case 'defaultAzureCredential':
      return t('auth.defaultAzureCredential');
    case 'managedIdentity':
      return t('auth.managedIdentity');
    case 'servicePrincipal':
      return t('auth.servicePrincipal');
    case 'apiKey':
      return t('auth.apiKey');
    case 'none':
      return t('auth.none');
    default:
      return m;
  }
}

/** The fields of the auth block at `base` for its mode. */
export function authFields(base: string): HTMLElement {
  const m = String(config.get(`${base}/mode`) ?? 'defaultAzureCredential');
  const fields: HTMLElement[] = [];
  if (m === 'servicePrincipal') {
    fields.push(textField(`${base}/tenantId`, { label: t('auth.tenantId'), size: 'md' }));
    fields.push(textField(`${base}/clientId`, { label: t('auth.clientId'), size: 'md' }));
    fields.push(secretField(`${base}/clientSecret`, { label: t('auth.clientSecret'), size: 'md' }));
  }
  if (m === 'managedIdentity' || m === 'defaultAzureCredential') {
    fields.push(
      textField(`${base}/managedIdentityClientId`, {
        label: t('auth.miClientId'),
        size: 'md',
        help: m === 'managedIdentity' ? t('auth.miClientIdHelp') : t('auth.dacMiHelp'),
      }),
    );
  }
  if (m === 'apiKey') fields.push(secretField(`${base}/apiKey`, { label: t('auth.apiKeyValue'), size: 'md' }));
  if (m !== 'apiKey' && m !== 'none') {
    fields.push(textField(`${base}/scope`, { label: t('auth.scope'), size: 'lg' }));
    fields.push(
      textField(`${base}/authorityHost`, {
        label: t('auth.authorityHost'),
        size: 'md',
        type: 'url',
        help: t('auth.authorityHostHelp'),
      }),
    );
  }
  return h('div', { class: 'form-grid' }, fields);
}
