/** Editing a key in a dialog: the create form's fields but the id, sent as a PATCH of what changed. */
import { entryDialog } from '../../form/entry-dialog.js';
import { t } from '../../i18n.js';
import { keyEditBody, keyValues } from './key-body.js';
import { keyFields } from './key-fields.js';

type Json = Record<string, unknown>;

/** Opens the dialog for listed key `key`; resolves true when a change was saved. */
export function editKey(key: Json): Promise<boolean> {
  const id = String(key.id);
  return entryDialog({
    title: t('keys.editTitle', { id }),
    inputs: keyFields(keyValues(key), false, false),
    body: (values) => keyEditBody(key, values),
    url: `/keys/${encodeURIComponent(id)}`,
    list: 'apiKeys',
    busy: 'keys.saving',
    failed: 'keys.saveFailed',
  });
}
