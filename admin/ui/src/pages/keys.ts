/**
 * API keys: create one (label, model allow-list; the key is shown once, with a copy button),
 * list them (no secrets: the server keeps only hashes) and revoke.
 */
import { api, getJson, isRecord } from '../api.js';
import { setClientKey } from '../client-key.js';
import { config } from '../config-state.js';
import { announce, h, icon, mount } from '../dom.js';
import { dateTime } from '../format.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { navigate, pageOf } from '../router.js';
import { alertBox, badge, card, confirmDialog, control, copyButton, empty, errorBox, loading, pageHeader, table } from '../ui.js';

type Json = Record<string, unknown>;

/** The key just created: shown until the user leaves the page, never fetched again. */
let created: { id: string; key: string } | undefined;

function newKeyPanel(onDone: () => void): HTMLElement | null {
  if (!created) return null;
  const { id, key } = created;
  const input = h('input', { id: 'new-key', class: 'mono', readonly: true, value: key, 'aria-describedby': 'new-key-warning', spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  return h(
    'section',
    { class: 'card new-key', 'aria-labelledby': 'new-key-title' },
    h('h2', { id: 'new-key-title' }, icon('check'), t('keys.createdTitle', { id })),
    h('p', { id: 'new-key-warning', class: 'warn-text' }, t('keys.shownOnce')),
    h('div', { class: 'field' }, h('label', { for: 'new-key' }, t('keys.theKey')), h('div', { class: 'row' }, input, copyButton(() => key))),
    h(
      'div',
      { class: 'button-row' },
      h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => { setClientKey(key, false); navigate('playground'); } }, t('keys.usePlayground')),
      h('button', { type: 'button', class: 'btn btn-ghost', onClick: () => { created = undefined; onDone(); } }, t('keys.dismiss')),
    ),
  );
}

/** The API keys page. */
export const keysPage: Page = {
  title: 'nav.keys',
  async render(root, signal) {
    signal.addEventListener('abort', () => {
      // Leaving the page forgets the new key; a language switch (same page) keeps it on screen.
      if (pageOf(location.pathname) !== 'keys') created = undefined;
    });
    const listBox = h('div', null, loading());
    const panel = h('div');
    const formResult = h('div', { 'aria-live': 'polite' });
    const label = h('input', { type: 'text', maxlength: 256, autocomplete: 'off', placeholder: t('keys.labelPlaceholder') });
    const id = h('input', { type: 'text', maxlength: 128, autocomplete: 'off', spellcheck: 'false', pattern: '[A-Za-z0-9._:@-]+', placeholder: t('keys.idPlaceholder') });
    const modelsBox = h('fieldset', { class: 'field model-picks' }, h('legend', null, t('keys.allowList')));

    const drawPanel = () => mount(panel, newKeyPanel(drawPanel));

    const drawModels = () => {
      const models = Array.isArray(config.original?.models) ? config.original.models.filter(isRecord).map((m) => String(m.id)) : [];
      mount(
        modelsBox,
        h('legend', null, t('keys.allowList')),
        h('p', { class: 'help', id: 'allow-help' }, t('keys.allowListHelp')),
        models.length
          ? h('div', { class: 'checks' }, models.map((m) => h('label', { class: 'check-chip' }, h('input', { type: 'checkbox', value: m, name: 'models' }), h('span', null, m))))
          : empty(t('keys.noModels')),
      );
    };

    const drawList = async () => {
      let keys: Json[];
      try {
        const res = await getJson<Json>('/keys', signal);
        keys = Array.isArray(res.data) ? res.data.filter(isRecord) : [];
      } catch (err) {
        if (!signal.aborted) mount(listBox, errorBox(err));
        return;
      }
      if (signal.aborted) return;
      const active = keys.filter((k) => k.status !== 'disabled').length;
      mount(
        listBox,
        keys.length
          ? table(
              t('keys.list'),
              [t('keys.id'), t('keys.label'), t('keys.models'), t('common.status'), t('keys.created'), h('span', { class: 'visually-hidden' }, t('common.actions'))],
              keys.map((k) => {
                const kid = String(k.id);
                const models = Array.isArray(k.models) ? k.models.map(String) : undefined;
                return [
                  h('code', null, kid),
                  typeof k.label === 'string' && k.label ? k.label : h('span', { class: 'muted' }, '—'),
                  models ? h('span', { class: 'chips' }, models.map((m) => h('span', { class: 'chip' }, m))) : h('span', { class: 'muted' }, t('keys.allModels')),
                  k.status === 'disabled' ? badge(t('keys.revoked'), 'muted') : badge(t('keys.active'), 'ok'),
                  k.createdAt ? dateTime(String(k.createdAt)) : '—',
                  k.status === 'disabled'
                    ? ''
                    : h('button', {
                        type: 'button',
                        class: 'btn btn-ghost btn-sm btn-danger-text',
                        'aria-label': t('keys.revokeNamed', { id: kid }),
                        onClick: () => void revoke(kid, typeof k.label === 'string' ? k.label : ''),
                      }, t('keys.revoke')),
                ];
              }),
            )
          : empty(t('keys.none')),
        h('p', { class: 'muted small' }, t('keys.count', { active, total: keys.length })),
      );
    };

    const revoke = async (kid: string, lbl: string) => {
      const yes = await confirmDialog(t('keys.revokeTitle'), h('p', null, t('keys.revokeBody', { id: lbl ? `${lbl} (${kid})` : kid })), t('keys.revoke'), 'danger');
      if (!yes) return;
      try {
        await api('POST', `/keys/${encodeURIComponent(kid)}/revoke`);
        announce(t('keys.revokedDone', { id: kid }));
        await config.refreshKeepingEdits();
      } catch (err) {
        mount(formResult, errorBox(err, t('keys.revokeFailed')));
      }
      await drawList();
    };

    const create = async (e: Event) => {
      e.preventDefault();
      const models = [...modelsBox.querySelectorAll<HTMLInputElement>('input[name="models"]:checked')].map((c) => c.value);
      if (id.value && !id.checkValidity()) {
        mount(formResult, alertBox('error', h('p', null, t('keys.idInvalid'))));
        id.focus();
        return;
      }
      const body: Json = {};
      if (label.value.trim()) body.label = label.value.trim();
      if (id.value.trim()) body.id = id.value.trim();
      if (models.length) body.models = models;
      submit.disabled = true;
      mount(formResult, h('p', { class: 'busy' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('keys.creating')));
      try {
        const res = await api<Json>('POST', '/keys', { body });
        created = { id: String(res.data.id), key: String(res.data.key) };
        mount(formResult);
        label.value = '';
        id.value = '';
        for (const c of modelsBox.querySelectorAll<HTMLInputElement>('input[name="models"]')) c.checked = false;
        drawPanel();
        announce(t('keys.createdTitle', { id: created.id }));
        panel.querySelector<HTMLInputElement>('#new-key')?.focus();
        await config.refreshKeepingEdits();
      } catch (err) {
        mount(formResult, errorBox(err, t('keys.createFailed')));
      } finally {
        submit.disabled = false;
      }
      await drawList();
    };

    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('plus', 16), t('keys.create'));
    mount(
      root,
      pageHeader(t('nav.keys'), t('keys.lead')),
      panel,
      card(
        t('keys.createTitle'),
        h('form', { class: 'stack-sm', onSubmit: (e: Event) => void create(e) }, h('div', { class: 'form-grid' }, control(t('keys.label'), label), control(t('keys.idOptional'), id, t('keys.idHelp'))), modelsBox, h('div', { class: 'button-row' }, submit), formResult),
      ),
      card(t('keys.list'), listBox),
    );
    drawPanel();
    await config.ensure().catch(() => undefined);
    if (signal.aborted) return;
    drawModels();
    await drawList();
  },
};
