/** A text (or URL, e-mail) input bound to a string of the config draft. */
import { config } from '../config-state.js';
import { h } from '../dom.js';
import { defaultAt, isRequired } from '../schema.js';
import { describe, fieldFrame, fieldIds, validate, type FieldOptions } from './field-frame.js';
import { defaultPlaceholder, textValue } from './field-values.js';

/** A text input bound to the string at `path`. */
export function textField(
  path: string,
  opts: FieldOptions & { type?: 'text' | 'url' | 'email'; list?: string },
): HTMLElement {
  const ids = fieldIds();
  const current = config.get(path);
  const required = isRequired(config.schema, path);
  const input = h('input', {
    id: ids.id,
    type: opts.type ?? 'text',
    value: typeof current === 'string' ? current : '',
    placeholder: opts.placeholder ?? defaultPlaceholder(defaultAt(config.schema, path)) ?? '',
    autocomplete: opts.autocomplete ?? 'off',
    spellcheck: 'false',
    list: opts.list,
    required,
    'data-path': path,
  });
  describe(input, ids, !!opts.help);
  const label = h(
    'label',
    { for: ids.id },
    opts.label,
    required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
  );
  const field = fieldFrame(path, label, input, ids, opts.help, opts.size);
  input.addEventListener('input', () => {
    const value = textValue(input.value, required, opts.empty);
    config.set(path, value);
    validate(field, path, value);
    opts.onChange?.(value);
  });
  return field;
}
