/**
 * API keys: create one (label, team, owner, tags, expiry, model allow-list, limits and budget; the
 * key is shown once, with a copy button), list them (no secrets: the server keeps only hashes),
 * and edit, rotate (the new secret shown once, the old one kept for a grace period) or revoke one.
 */
import { api } from '../../api.js';
import { card } from '../../components/card.js';
import { confirmDialog } from '../../components/confirm-dialog.js';
import { pageHeader } from '../../components/page-header.js';
import { config } from '../../config-state.js';
import { announce, h } from '../../dom.js';
import { afterConfig } from '../../form/entry-form.js';
import { formResult } from '../../form/form-result.js';
import { t } from '../../i18n.js';
import type { Page } from '../../page.js';
import { pageOf } from '../../router.js';
import { createKeyForm } from './create-form.js';
import { editKey } from './edit-dialog.js';
import { keyList, loadKeys } from './key-list.js';
import { forgetCreatedKey, newKeyPanel, type CreatedKey } from './new-key-panel.js';
import { rotateKey } from './rotate-dialog.js';

type Json = Record<string, unknown>;

function draw(signal: AbortSignal): HTMLElement[] {
  signal.addEventListener('abort', () => {
    // Leaving the page forgets the new key; a language switch (same page) keeps it on screen.
    if (pageOf(location.pathname) !== 'keys') forgetCreatedKey();
  });
  const panel = newKeyPanel();
  const notice = formResult();
  // Key changes go through the config: refresh the draft's copy so other pages stay in step.
  const changed = async () => {
    await config.refreshKeepingEdits().catch(() => undefined);
    await loadKeys(list, signal);
  };
  const show = async (key: CreatedKey) => {
    panel.set({ created: key });
    panel.after(() => panel.host.querySelector<HTMLInputElement>('#new-key')?.focus());
    announce(t(key.rotated ? 'keys.rotatedTitle' : 'keys.createdTitle', { id: key.id }));
    await changed();
  };

  const revoke = async (k: Json) => {
    const kid = String(k.id);
    const label = typeof k.label === 'string' && k.label ? `${k.label} (${kid})` : kid;
    const yes = await confirmDialog(
      t('keys.revokeTitle'),
      h('p', null, t('keys.revokeBody', { id: label })),
      t('keys.revoke'),
      'danger',
    );
    if (!yes) return;
    try {
      await api('POST', `/keys/${encodeURIComponent(kid)}/revoke`);
      notice.set({ result: { kind: 'none' } });
      announce(t('keys.revokedDone', { id: kid }));
    } catch (error) {
      notice.set({ result: { kind: 'failed', error, title: 'keys.revokeFailed' } });
    }
    await changed();
  };
  const list = keyList({
    edit: (k) =>
      void editKey(k).then((saved) => {
        if (!saved) return;
        announce(t('keys.savedDone', { id: String(k.id) }));
        return changed();
      }),
    rotate: (k) => void rotateKey(String(k.id)).then((rotated) => rotated && show(rotated)),
    revoke: (k) => void revoke(k),
  });
  const form = createKeyForm(show);

  afterConfig(form, signal, () => loadKeys(list, signal));
  return [
    pageHeader(t('nav.keys'), t('keys.lead')),
    panel.host,
    card(t('keys.createTitle'), form.host),
    card(t('keys.list'), [notice.host, list.host]),
  ];
}

/** The API keys page. */
export const keysPage: Page = {
  title: 'nav.keys',
  draw: (_, signal) => draw(signal),
};
