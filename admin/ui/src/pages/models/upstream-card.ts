/** One upstream of the draft: name, base URL, its own auth or the global one, routes, checks. */
import { isRecord } from '../../api.js';
import { card } from '../../components/card.js';
import { confirmDialog } from '../../components/confirm-dialog.js';
import { badge } from '../../components/status.js';
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { errorSlot } from '../../form/error-slot.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import { pointer } from '../../json-pointer.js';
import { AUTH_MODES, authFields, authModeLabel } from './auth-fields.js';
import { draftList, storedList } from './draft-lists.js';
import type { Redraw } from './editor.js';
import { chatModelOf, testRequest, testResult } from './upstream-test.js';
import { verify, verifyResult } from './upstream-verify.js';
import { trimsApiPath } from './base-url-trim.js';

/** The routes an upstream can map to its own paths. */
export const ROUTE_KEYS = ['chat/completions', 'responses', 'images/generations', 'embeddings'] as const;

function authSelect(i: number, base: string, auth: unknown, redraw: Redraw): HTMLElement {
  const select = h(
    'select',
    { id: `auth-${i}`, 'data-path': `${base}/auth/mode` },
    h('option', { value: '' }, t('auth.inherit')),
    AUTH_MODES.map((m) => h('option', { value: m }, authModeLabel(m))),
  );
  select.value = isRecord(auth) ? String(auth.mode ?? 'defaultAzureCredential') : '';
  select.addEventListener('change', () => {
    if (select.value === '') config.set(`${base}/auth`, undefined);
    else if (!isRecord(config.get(`${base}/auth`))) config.set(`${base}/auth`, { mode: select.value });
    else config.set(`${base}/auth/mode`, select.value);
    redraw(() => document.getElementById(`auth-${i}`)?.focus());
  });
  return h(
    'div',
    { class: 'field field-md', 'data-path': `${base}/auth`, 'data-field': '' },
    h('label', { for: `auth-${i}` }, t('models.authMode')),
    select,
    errorSlot(),
  );
}

/** The models of the stored config that send requests to upstream `name`. */
function modelsUsing(name: string): string[] {
  return storedList('models')
    .filter(
      (m) =>
        m.upstream === name ||
        (Array.isArray(m.targets) && m.targets.some((tg) => isRecord(tg) && tg.upstream === name)),
    )
    .map((m) => String(m.id));
}

function checks(name: string, saved: boolean): HTMLElement[] {
  // One result area per action, so a credential check and a test request can be read side by side.
  const verified = verifyResult();
  const tested = testResult();
  const chatModel = chatModelOf(modelsUsing(name));
  return [
    h(
      'div',
      { class: 'button-row' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary',
          disabled: !saved,
          title: saved ? null : t('models.applyFirst'),
          onClick: () => void verify(verified, name),
        },
        t('models.verify'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary',
          disabled: !saved,
          onClick: () => void testRequest(tested, chatModel),
        },
        icon('send', 16),
        t('models.test'),
      ),
      saved ? null : h('span', { class: 'muted small' }, t('models.applyFirst')),
    ),
    verified.host,
    tested.host,
  ];
}

function removeButton(base: string, name: string, i: number, redraw: Redraw): HTMLElement {
  const remove = () =>
    void confirmDialog(
      t('models.removeUpstreamTitle'),
      t('models.removeUpstreamBody', { name }),
      t('action.remove'),
      'danger',
    ).then((yes) => {
      if (!yes) return;
      config.set(base, undefined);
      redraw();
    });
  return h(
    'button',
    {
      type: 'button',
      class: 'btn btn-ghost btn-danger-text',
      'aria-label': t('models.removeUpstream', { name: name || String(i + 1) }),
      onClick: remove,
    },
    icon('trash', 16),
    t('action.remove'),
  );
}

/** The card of upstream `i`. */
export function upstreamCard(i: number, redraw: Redraw): HTMLElement {
  const base = pointer('upstreams', i);
  const u = draftList('/upstreams')[i] ?? {};
  const name = String(u.name ?? '');
  const saved = storedList('upstreams').some((x) => String(x.name) === name);
  const routes = h(
    'details',
    { class: 'advanced' },
    h('summary', null, t('models.upstreamRoutes')),
    h('p', { class: 'help' }, t('models.upstreamRoutesHelp')),
    h(
      'div',
      { class: 'form-grid' },
      ROUTE_KEYS.map((rk) =>
        textField(`${base}/routes${pointer(rk)}`, { label: rk, size: 'lg', placeholder: `/openai/v1/${rk}` }),
      ),
    ),
  );
  return card(
    h('span', null, name || t('models.newUpstream'), saved ? null : badge(t('models.unsaved'), 'info')),
    h(
      'div',
      null,
      h(
        'div',
        { class: 'form-grid' },
        textField(`${base}/name`, { label: t('models.upstreamName'), size: 'md' }),
        trimsApiPath(
          textField(`${base}/baseUrl`, {
            label: t('models.baseUrl'),
            size: 'lg',
            type: 'url',
            placeholder: 'https://my-resource.services.ai.azure.com',
            help: t('models.baseUrlHelp'),
          }),
          `${base}/baseUrl`,
        ),
        authSelect(i, base, u.auth, redraw),
      ),
      isRecord(u.auth) ? authFields(`${base}/auth`) : h('p', { class: 'help' }, t('auth.inheritHelp')),
      routes,
      checks(name, saved),
    ),
    { path: base, class: 'item-card', actions: removeButton(base, name, i, redraw) },
  );
}
