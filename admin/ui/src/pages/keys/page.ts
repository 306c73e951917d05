/**
 * API keys: create one (label, model allow-list; the key is shown once, with a copy button),
 * list them (no secrets: the server keeps only hashes) and revoke.
 */
import { api } from '../../api.js';
import { card } from '../../components/card.js';
import { confirmDialog } from '../../components/confirm-dialog.js';
import { control } from '../../components/control.js';
import { pageHeader } from '../../components/page-header.js';
import { config } from '../../config-state.js';
import { announce, h } from '../../dom.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import type { Page } from '../../page.js';
import { pageOf } from '../../router.js';
import { formResult } from './form-result.js';
import { keyList, loadKeys } from './key-list.js';
import { modelPicks, pickedModels } from './model-picks.js';
import { forgetCreatedKey, newKeyPanel } from './new-key-panel.js';

type Json = Record<string, unknown>;

function draw(signal: AbortSignal): HTMLElement[] {
  signal.addEventListener('abort', () => {
    // Leaving the page forgets the new key; a language switch (same page) keeps it on screen.
    if (pageOf(location.pathname) !== 'keys') forgetCreatedKey();
  });
  const panel = newKeyPanel();
  const result = formResult();
  const picks = modelPicks();
  const label = h('input', {
    type: 'text',
    maxlength: 256,
    autocomplete: 'off',
    placeholder: t('keys.labelPlaceholder'),
  });
  // Browsers compile `pattern` with the v flag, where a bare '-' in a class is an error (and the check is skipped).
  const id = h('input', {
    type: 'text',
    maxlength: 128,
    autocomplete: 'off',
    spellcheck: 'false',
    pattern: '[A-Za-z0-9._:@\\-]+',
    placeholder: t('keys.idPlaceholder'),
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, icon('plus', 16), t('keys.create'));

  const revoke = async (kid: string, lbl: string) => {
    const yes = await confirmDialog(
      t('keys.revokeTitle'),
      h('p', null, t('keys.revokeBody', { id: lbl ? `${lbl} (${kid})` : kid })),
      t('keys.revoke'),
      'danger',
    );
    if (!yes) return;
    try {
      await api('POST', `/keys/${encodeURIComponent(kid)}/revoke`);
      announce(t('keys.revokedDone', { id: kid }));
      await config.refreshKeepingEdits();
    } catch (error) {
      result.set({ result: { kind: 'failed', error, title: 'keys.revokeFailed' } });
    }
    await loadKeys(list, signal);
  };
  const list = keyList((kid, lbl) => void revoke(kid, lbl));

  const create = async (e: Event) => {
    e.preventDefault();
    if (id.value && !id.checkValidity()) {
      result.set({ result: { kind: 'idInvalid' } });
      id.focus();
      return;
    }
    const body: Json = {};
    if (label.value.trim()) body.label = label.value.trim();
    if (id.value.trim()) body.id = id.value.trim();
    const models = pickedModels(picks.host);
    if (models.length) body.models = models;
    submit.disabled = true;
    result.set({ result: { kind: 'creating' } });
    try {
      const res = await api<Json>('POST', '/keys', { body });
      const created = { id: String(res.data.id), key: String(res.data.key) };
      result.set({ result: { kind: 'none' } });
      label.value = '';
      id.value = '';
      for (const c of picks.host.querySelectorAll<HTMLInputElement>('input[name="models"]')) c.checked = false;
      panel.set({ created });
      panel.after(() => panel.host.querySelector<HTMLInputElement>('#new-key')?.focus());
      announce(t('keys.createdTitle', { id: created.id }));
      await config.refreshKeepingEdits();
    } catch (error) {
      result.set({ result: { kind: 'failed', error, title: 'keys.createFailed' } });
    } finally {
      submit.disabled = false;
    }
    await loadKeys(list, signal);
  };

  void config
    .ensure()
    .catch(() => undefined)
    .then(() => {
      if (signal.aborted) return;
      picks.set({ loaded: true });
      return loadKeys(list, signal);
    });
  return [
    pageHeader(t('nav.keys'), t('keys.lead')),
    panel.host,
    card(
      t('keys.createTitle'),
      h(
        'form',
        // The id's pattern is checked on submit, with the page's own message rather than the browser's.
        { class: 'stack-sm', novalidate: true, onSubmit: (e: Event) => void create(e) },
        h(
          'div',
          { class: 'form-grid' },
          control(t('keys.label'), label),
          control(t('keys.idOptional'), id, t('keys.idHelp')),
        ),
        picks.host,
        h('div', { class: 'button-row' }, submit),
        result.host,
      ),
    ),
    card(t('keys.list'), list.host),
  ];
}

/** The API keys page. */
export const keysPage: Page = {
  title: 'nav.keys',
  draw: (_, signal) => draw(signal),
};
