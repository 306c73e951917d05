/** The form that creates a key: its fields, then the new key shown once in the panel above. */
import { api, asText } from '../../api.js';
import type { Self } from '../../component.js';
import { entryForm, type EntryFormState } from '../../form/entry-form.js';
import { submitEntry } from '../../form/entry-submit.js';
import { t } from '../../i18n.js';
import { keyValues, newKeyBody } from './key-body.js';
import { keyFields } from './key-fields.js';
import type { CreatedKey } from './new-key-panel.js';

type Json = Record<string, unknown>;

/** The create form; `created` is told each new key. */
export function createKeyForm(created: (key: CreatedKey) => Promise<void>): Self<EntryFormState, HTMLFormElement> {
  return entryForm({
    fields: () => keyFields(keyValues({}), true, true),
    submitLabel: t('keys.create'),
    submit: async (values, form, result) => {
      const { body, problems } = newKeyBody(values);
      const answer = await submitEntry({
        root: form,
        result,
        list: 'apiKeys',
        problems,
        busy: 'keys.creating',
        failed: 'keys.createFailed',
        send: () => api<Json>('POST', '/keys', { body }),
      });
      if (!answer) return false;
      await created({ id: asText(answer.data.id), key: asText(answer.data.key) });
      return true;
    },
  });
}
