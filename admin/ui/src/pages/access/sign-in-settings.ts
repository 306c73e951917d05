/**
 * The Entra ID sign-in settings (owner only; others read them): issuer, client ID, client secret
 * (masked), the role mapping as one line per app role or group, the break-glass local login, and
 * the redirect URI to register. Saved with `PUT /admin/api/identity`; the server's field errors
 * land on their fields.
 */
import { allowed, gate } from '../../access.js';
import { api, ApiError, asText, isRecord, type Issue } from '../../api.js';
import { alertBox } from '../../components/alerts.js';
import { confirmDialog } from '../../components/confirm-dialog.js';
import { copyButton } from '../../components/copy-button.js';
import { announce, h } from '../../dom.js';
import { formResult } from '../../form/form-result.js';
import { plainField } from '../../form/plain-field.js';
import { showIssues } from '../../form/show-issues.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;
const BASE = '/server/adminAuth';
const LINE = /^(roles|groups)\s+(\S+)\s+(viewer|operator|owner)$/;

/** The role mapping written one per line. */
function mappingText(roles: unknown): string {
  return Array.isArray(roles)
    ? roles
        .filter(isRecord)
        .map((r) => `${asText(r.claim)} ${asText(r.value)} ${asText(r.role)}`)
        .join('\n')
    : 'roles Gateway.Owner owner\nroles Gateway.Operator operator\nroles Gateway.Viewer viewer';
}

/** The mapping lines as settings, or the issue of the first bad line. */
export function parseMapping(text: string): { roles: Json[] } | { issue: Issue } {
  const roles: Json[] = [];
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const m = LINE.exec(line);
    if (!m) return { issue: { path: `${BASE}/oidc/roles`, message: t('access.mappingLine', { n: i + 1 }) } };
    roles.push({ claim: m[1], value: m[2], role: m[3] });
  }
  return { roles };
}

/** The sign-in settings card's body, from `GET /admin/api/identity`. */
export function signInSettings(data: Json, reload: () => void): HTMLElement {
  const oidc = isRecord(data.oidc) ? data.oidc : undefined;
  const owner = allowed('owner');
  const input = (value: unknown, attrs: Record<string, string> = {}) =>
    h('input', {
      type: 'text',
      value: asText(value),
      autocomplete: 'off',
      spellcheck: 'false',
      readonly: !owner,
      ...attrs,
    });
  const issuer = input(oidc?.issuer, { placeholder: 'https://login.microsoftonline.com/…/v2.0' });
  const clientId = input(oidc?.clientId);
  const secret = input(oidc?.clientSecret, { type: 'password' });
  const mapping = h('textarea', { rows: 4, spellcheck: 'false', readonly: !owner, 'data-path': `${BASE}/oidc/roles` });
  mapping.value = mappingText(oidc?.roles);
  const local = h('input', {
    type: 'checkbox',
    checked: data.localLogin !== false,
    disabled: !owner,
    id: 'local-login',
  });
  const redirect = asText(data.redirectUri);
  const notice = formResult();
  // Sessions are bound to the issuer and client ID they signed in with (docs/admin-identity.md,
  // "Sessions and admin restarts"): say so before the operator saves a change of either.
  const providerChange = h('div', { hidden: true }, alertBox('warn', t('access.providerChange')));
  const watchProvider = () => {
    providerChange.hidden =
      !oidc || (issuer.value.trim() === asText(oidc.issuer) && clientId.value.trim() === asText(oidc.clientId));
  };
  issuer.addEventListener('input', watchProvider);
  clientId.addEventListener('input', watchProvider);

  const form = h(
    'form',
    { class: 'entry-form', novalidate: true },
    plainField(`${BASE}/oidc/issuer`, t('access.issuer'), issuer, { help: t('access.issuerHelp'), size: 'lg' }),
    plainField(`${BASE}/oidc/clientId`, t('access.clientId'), clientId, { size: 'lg' }),
    providerChange,
    plainField(`${BASE}/oidc/clientSecret`, t('access.clientSecret'), secret, { help: t('access.clientSecretHelp') }),
    h(
      'div',
      { class: 'field', 'data-path': `${BASE}/oidc/roles` },
      h('label', { for: 'role-mapping' }, t('access.mapping')),
      Object.assign(mapping, { id: 'role-mapping' }),
      h('p', { class: 'help' }, t('access.mappingHelp')),
    ),
    h(
      'div',
      { class: 'field', 'data-path': `${BASE}/localLogin` },
      h('label', { class: 'check' }, local, ' ', t('access.localLogin')),
      h('p', { class: 'help' }, t('access.localLoginHelp')),
      h('div', { class: 'errors' }),
    ),
    h(
      'p',
      null,
      h('strong', null, t('access.redirectUri')),
      ' ',
      h('code', { id: 'redirect-uri' }, redirect),
      ' ',
      copyButton(() => redirect),
    ),
    oidc
      ? alertBox(
          data.ownerSignedIn === true ? 'ok' : 'info',
          t(data.ownerSignedIn === true ? 'access.ownerSignedIn' : 'access.ownerNotSignedIn'),
        )
      : alertBox('info', t('access.oidcOff')),
    h(
      'div',
      { class: 'form-actions' },
      gate(h('button', { type: 'submit', class: 'btn btn-primary', id: 'save-sign-in' }, t('access.save')), 'owner'),
      oidc
        ? gate(
            h(
              'button',
              { type: 'button', class: 'btn btn-secondary', id: 'remove-sign-in', onClick: () => void remove() },
              t('access.remove'),
            ),
            'owner',
          )
        : null,
    ),
    notice.host,
  );

  const save = async (body: Json) => {
    try {
      await api('PUT', '/identity', { body });
      showIssues(form, []);
      notice.set({ result: { kind: 'none' } });
      announce(t('access.saved'));
      reload();
    } catch (error) {
      const unplaced = error instanceof ApiError ? showIssues(form, error.issues) : [];
      notice.set({ result: { kind: 'failed', error, title: 'access.saveFailed', unplaced } });
    }
  };
  const remove = async () => {
    const yes = await confirmDialog(t('access.removeTitle'), t('access.removeBody'), t('access.remove'), 'danger');
    if (yes) await save({ oidc: null });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const parsed = parseMapping(mapping.value);
    if ('issue' in parsed) {
      showIssues(form, [parsed.issue]);
      return;
    }
    const configured = issuer.value.trim() !== '' || clientId.value.trim() !== '';
    void save({
      localLogin: local.checked,
      ...(configured
        ? {
            oidc: {
              issuer: issuer.value.trim(),
              clientId: clientId.value.trim(),
              ...(secret.value ? { clientSecret: secret.value } : {}),
              roles: parsed.roles,
            },
          }
        : {}),
    });
  });
  return form;
}
