/**
 * A secret (api-key, client secret): never shown. A stored secret reads as "stored, leave empty
 * to keep"; typing replaces it; clearing the input puts the stored one back (the MASK).
 */
import { config } from '../config-state.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { MASK } from '../secrets.js';
import { describe, fieldFrame, fieldIds, validate, type FieldOptions } from './field-frame.js';
import { secretValue } from './field-values.js';

/** A password input bound to the secret at `path`. */
export function secretField(path: string, opts: FieldOptions): HTMLElement {
  const ids = fieldIds();
  const stored = config.stored(path) === MASK;
  const current = config.get(path);
  const input = h('input', {
    id: ids.id,
    type: 'password',
    value: typeof current === 'string' && current !== MASK ? current : '',
    placeholder: stored ? t('form.secretStored') : (opts.placeholder ?? t('form.secretNone')),
    autocomplete: 'new-password',
    spellcheck: 'false',
    'data-path': path,
  });
  describe(input, ids, true);
  const help = h(
    'span',
    null,
    stored ? t('form.secretHelpStored') : t('form.secretHelpNew'),
    opts.help ? [' ', opts.help] : null,
  );
  const label = h(
    'label',
    { for: ids.id },
    opts.label,
    stored ? h('span', { class: 'badge badge-ok' }, t('form.secretSet')) : null,
  );
  const field = fieldFrame(path, label, input, ids, help, opts.size);
  input.addEventListener('input', () => {
    const value = secretValue(input.value, stored);
    config.set(path, value);
    validate(field, path, value === MASK ? undefined : value);
    opts.onChange?.(undefined);
  });
  return field;
}
