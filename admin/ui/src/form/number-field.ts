/** A number input bound to a number of the config draft; empty means "use the default". */
import { config } from '../config-state.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { schemaAt } from '../schema.js';
import { setFieldErrors } from './error-slot.js';
import { describe, fieldFrame, fieldIds, validate, type FieldOptions } from './field-frame.js';
import { defaultNote, numberValue } from './field-values.js';

/** A number input bound to the number at `path`, with its unit and the schema's default. */
export function numberField(path: string, opts: FieldOptions & { step?: number; unit?: string }): HTMLElement {
  const ids = fieldIds();
  const node = schemaAt(config.schema, path);
  const current = config.get(path);
  const d = node?.default;
  const input = h('input', {
    id: ids.id,
    type: 'number',
    inputmode: node?.type === 'integer' ? 'numeric' : 'decimal',
    value: typeof current === 'number' ? String(current) : '',
    placeholder: opts.placeholder ?? (typeof d === 'number' ? String(d) : ''),
    step: opts.step ?? (node?.type === 'integer' ? 1 : 'any'),
    min: typeof node?.minimum === 'number' ? node.minimum : null,
    max: typeof node?.maximum === 'number' ? node.maximum : null,
    'data-path': path,
  });
  const note = defaultNote(d, opts.unit);
  const help =
    opts.help || note
      ? h(
          'span',
          null,
          opts.help ?? '',
          opts.help && note ? ' ' : '',
          note ? h('span', { class: 'default-note' }, note) : null,
        )
      : undefined;
  describe(input, ids, !!help);
  const control = opts.unit
    ? h('div', { class: 'with-unit' }, input, h('span', { class: 'unit', 'aria-hidden': 'true' }, opts.unit))
    : input;
  const label = h(
    'label',
    { for: ids.id },
    opts.label,
    opts.unit ? h('span', { class: 'visually-hidden' }, ` (${opts.unit})`) : null,
  );
  const field = fieldFrame(path, label, control, ids, help, opts.size ?? 'sm');
  input.addEventListener('input', () => {
    const read = numberValue(input.value, input.validity.badInput);
    if (read.kind === 'invalid') {
      setFieldErrors(field, [t('val.number')]);
      return;
    }
    const value = read.kind === 'number' ? read.value : undefined;
    config.set(path, value);
    validate(field, path, value);
    opts.onChange?.(value);
  });
  return field;
}
