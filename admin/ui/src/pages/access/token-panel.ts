/**
 * Admin API tokens: the create form (name, a role no higher than yours, an expiry of at most a
 * year), the new token shown once with a copy button, and the list with last use and Revoke.
 */
import { allowed, currentUser, gate, roleLabel, type Role } from '../../access.js';
import { api, ApiError, asText, isRecord } from '../../api.js';
import { component, type Self } from '../../component.js';
import { alertBox, empty } from '../../components/alerts.js';
import { confirmDialog } from '../../components/confirm-dialog.js';
import { copyButton } from '../../components/copy-button.js';
import { badge } from '../../components/status.js';
import { table } from '../../components/table.js';
import { announce, h, type Child } from '../../dom.js';
import { formResult } from '../../form/form-result.js';
import { plainField } from '../../form/plain-field.js';
import { showIssues } from '../../form/show-issues.js';
import { t, type MsgKey } from '../../i18n.js';

type Json = Record<string, unknown>;
const EXPIRY_DAYS = [7, 30, 90, 180, 365];
const ROLES: Role[] = ['viewer', 'operator', 'owner'];

function when(v: unknown): string {
  return typeof v === 'string' ? new Date(v).toLocaleString() : t('access.never');
}

function TokenList(props: { revoke: (tok: Json) => void }, self: Self<{ tokens: Json[] }>): Child {
  const { tokens } = self.state;
  if (!tokens.length) return empty(t('access.noTokens'));
  const tone = (s: string) => (s === 'active' ? 'ok' : 'muted');
  return table(
    t('access.tokens'),
    [
      t('access.colName'),
      t('access.colRole'),
      t('access.colCreatedBy'),
      t('access.colExpires'),
      t('access.colLastUsed'),
      t('access.colStatus'),
      '',
    ],
    tokens.map((tok) => {
      const status = asText(tok.status);
      const role = asText(tok.role) as Role;
      const revoke =
        status === 'active'
          ? gate(
              h(
                'button',
                { type: 'button', class: 'btn btn-danger btn-sm', onClick: () => props.revoke(tok) },
                t('access.revoke'),
              ),
              role,
            )
          : null;
      return [
        asText(tok.name),
        roleLabel(role),
        asText(tok.createdBy),
        when(tok.expiresAt),
        when(tok.lastUsedAt),
        badge(t(`access.status.${status}` as MsgKey), tone(status)),
        revoke,
      ];
    }),
    { stackOnPhone: true },
  );
}

/** The tokens card's body. */
export function tokenPanel(signal: AbortSignal): HTMLElement {
  const list = component(h('div'), TokenList, { revoke: (tok: Json) => void revoke(tok) }, { tokens: [] as Json[] });
  const load = async () => {
    const got = await api<{ data?: unknown }>('GET', '/tokens', { signal });
    list.set({ tokens: Array.isArray(got.data.data) ? got.data.data.filter(isRecord) : [] });
  };
  const notice = formResult();
  const shown = h('div', { 'aria-live': 'polite' });
  const revoke = async (tok: Json) => {
    const name = asText(tok.name);
    if (
      !(await confirmDialog(
        t('access.revokeTitle', { name }),
        h('p', null, t('access.revokeBody')),
        t('access.revoke'),
        'danger',
      ))
    )
      return;
    try {
      await api('DELETE', `/tokens/${encodeURIComponent(asText(tok.id))}`);
      notice.set({ result: { kind: 'none' } });
    } catch (error) {
      notice.set({ result: { kind: 'failed', error, title: 'access.revokeFailed' } });
    }
    await load();
  };

  const name = h('input', { type: 'text', maxlength: 64, autocomplete: 'off' });
  const role = h(
    'select',
    null,
    ROLES.filter((r) => allowed(r)).map((r) => h('option', { value: r }, roleLabel(r))),
  );
  const days = h(
    'select',
    null,
    EXPIRY_DAYS.map((d) => h('option', { value: d, selected: d === 90 }, t('access.days', { n: d }))),
  );
  const form = h(
    'form',
    { class: 'entry-form', novalidate: true },
    plainField('/name', t('access.tokenName'), name),
    plainField('/role', t('access.tokenRole'), role),
    plainField('/expiresAt', t('access.tokenExpires'), days),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'create-token' }, t('access.create')),
    ),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const expiresAt = new Date(Date.now() + Number(days.value) * 24 * 60 * 60_000).toISOString();
      try {
        const got = await api<Json>('POST', '/tokens', { body: { name: name.value, role: role.value, expiresAt } });
        const token = asText(got.data.token);
        showIssues(form, []);
        notice.set({ result: { kind: 'none' } });
        shown.replaceChildren(
          alertBox(
            'ok',
            h('p', null, t('access.created')),
            h('code', { class: 'secret-once', id: 'new-token' }, token),
            copyButton(() => token),
          ),
        );
        announce(t('access.created'));
        name.value = '';
        await load();
      } catch (error) {
        const unplaced = error instanceof ApiError ? showIssues(form, error.issues) : [];
        notice.set({ result: { kind: 'failed', error, title: 'access.createFailed', unplaced } });
      }
    })();
  });
  void load().catch((error: unknown) => {
    if (!signal.aborted) notice.set({ result: { kind: 'failed', error, title: 'error.load' } });
  });
  return h(
    'div',
    null,
    h('p', { class: 'help' }, t('access.tokensLead'), ' ', h('code', null, 'curl -H "Authorization: Bearer …"')),
    currentUser().kind === 'token' ? null : form,
    shown,
    notice.host,
    list.host,
  );
}
