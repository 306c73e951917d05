/** A select bound to a value of the config draft; the choices default to the schema's literals. */
import { config } from '../config-state.js';
import { h } from '../dom.js';
import { defaultAt, literals, schemaAt } from '../schema.js';
import { describe, fieldFrame, fieldIds, validate, type FieldOptions } from './field-frame.js';
import { selectShown, selectValue, type Choice } from './field-values.js';

/** A select bound to `path`; `allowUnset` is the label of a "not set" choice. */
export function selectField(
  path: string,
  opts: FieldOptions & { options?: Choice[]; allowUnset?: string },
): HTMLElement {
  const ids = fieldIds();
  const unsetAllowed = opts.allowUnset !== undefined;
  const choices =
    opts.options ??
    (literals(schemaAt(config.schema, path)) ?? []).map((v) => ({ value: String(v), label: String(v) }));
  const shown = selectShown(choices, config.get(path), defaultAt(config.schema, path), unsetAllowed);
  const select = h(
    'select',
    { id: ids.id, 'data-path': path },
    unsetAllowed ? h('option', { value: '' }, opts.allowUnset) : null,
    shown.extra !== undefined ? h('option', { value: shown.extra }, shown.extra) : null,
    choices.map((o) => h('option', { value: o.value }, o.label)),
  );
  select.value = shown.value;
  describe(select, ids, !!opts.help);
  const field = fieldFrame(path, h('label', { for: ids.id }, opts.label), select, ids, opts.help, opts.size);
  select.addEventListener('change', () => {
    const value = selectValue(select.value, unsetAllowed);
    config.set(path, value);
    validate(field, path, value);
    opts.onChange?.(value);
  });
  return field;
}
