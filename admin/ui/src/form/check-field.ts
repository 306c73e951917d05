/** A checkbox bound to a boolean of the config draft. */
import { config } from '../config-state.js';
import { h } from '../dom.js';
import { defaultAt } from '../schema.js';
import { errorSlot, setFieldErrors } from './error-slot.js';
import { describe, fieldIds, type FieldOptions } from './field-frame.js';

/** A checkbox bound to the boolean at `path` (unset shows the schema's default). */
export function checkField(path: string, opts: FieldOptions): HTMLElement {
  const ids = fieldIds();
  const current = config.get(path);
  const input = h('input', {
    id: ids.id,
    type: 'checkbox',
    checked: typeof current === 'boolean' ? current : defaultAt(config.schema, path) === true,
    'data-path': path,
  });
  describe(input, ids, !!opts.help);
  const field = h(
    'div',
    { class: 'field field-check', 'data-path': path, 'data-field': '' },
    h('div', { class: 'check' }, input, h('label', { for: ids.id }, opts.label)),
    opts.help ? h('div', { class: 'help', id: ids.helpId }, opts.help) : null,
    errorSlot(ids.errId),
  );
  input.addEventListener('change', () => {
    config.set(path, input.checked);
    setFieldErrors(field, [], 'server');
    opts.onChange?.(input.checked);
  });
  return field;
}
