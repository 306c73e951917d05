/** The retry statuses as one text input: "429, 500, 503". */
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { errorSlot, setFieldErrors } from '../../form/error-slot.js';
import { statusListValue } from '../../form/field-values.js';
import { t } from '../../i18n.js';
import { check } from '../../schema-check.js';
import { schemaAt } from '../../schema.js';

/** The field of the list of statuses at `path` that are retried. */
export function statusListField(path: string): HTMLElement {
  const id = 'retry-statuses';
  const current = config.get(path);
  const input = h('input', {
    id,
    type: 'text',
    inputmode: 'numeric',
    value: Array.isArray(current) ? current.join(', ') : '',
    placeholder: '408, 409, 425, 429, 500, 502, 503, 504',
    'data-path': path,
    'aria-describedby': `${id}-help ${id}-err`,
  });
  const field = h(
    'div',
    { class: 'field field-lg', 'data-path': path, 'data-field': '' },
    h('label', { for: id }, t('settings.retryStatuses')),
    input,
    h('div', { class: 'help', id: `${id}-help` }, t('settings.retryStatusesHelp')),
    errorSlot(`${id}-err`),
  );
  input.addEventListener('input', () => {
    const read = statusListValue(input.value);
    if (read.kind === 'invalid') {
      setFieldErrors(field, [t('settings.retryStatusesInvalid')]);
      return;
    }
    const value = read.kind === 'list' ? read.value : undefined;
    config.set(path, value);
    setFieldErrors(field, value ? check(schemaAt(config.schema, path), value) : []);
  });
  return field;
}
