/** Editing a key or a team in a dialog: its fields, sent as a PATCH of what changed (`null` clears). */
import { api } from '../api.js';
import { formDialog } from '../components/form-dialog.js';
import { h } from '../dom.js';
import type { EntryBody } from '../governance-values.js';
import { t, type MsgKey } from '../i18n.js';
import type { Inputs } from './entry-form.js';
import { submitEntry } from './entry-submit.js';
import { formResult } from './form-result.js';

/** What the dialog edits and how. */
export interface EntryDialog<V> {
  title: string;
  inputs: Inputs<V>;
  /** The PATCH body for what was typed, and what stops it being sent. */
  body: (values: V) => EntryBody;
  /** The entry's URL below /admin/api (`/keys/alice`). */
  url: string;
  list: 'apiKeys' | 'teams';
  busy: MsgKey;
  failed: MsgKey;
}

/** Opens the dialog; resolves true when a change was saved. */
export function entryDialog<V>(d: EntryDialog<V>): Promise<boolean> {
  const result = formResult();
  return formDialog({
    title: d.title,
    body: h('div', { class: 'stack-sm' }, d.inputs.nodes, result.host),
    submitLabel: t('action.save'),
    wide: true,
    submit: async (form) => {
      const { body, problems } = d.body(d.inputs.read());
      // Nothing changed: nothing to send (the server wants at least one field).
      if (!problems.length && !Object.keys(body).length) return true;
      const saved = await submitEntry({
        root: form,
        result,
        list: d.list,
        problems,
        busy: d.busy,
        failed: d.failed,
        send: () => api('PATCH', d.url, { body }),
      });
      return saved !== undefined;
    },
  });
}
