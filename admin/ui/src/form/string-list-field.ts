/** A list of strings in the config draft (domains): one input per item, add and remove buttons. */
import { component, type Self } from '../component.js';
import { config } from '../config-state.js';
import { h, uid, type Child } from '../dom.js';
import { t } from '../i18n.js';
import { errorSlot } from './error-slot.js';
import { validate, type FieldOptions } from './field-frame.js';

type ListOptions = FieldOptions & { addLabel: string; itemLabel: (i: number) => string; type?: 'text' | 'url' };

interface RowsProps {
  path: string;
  opts: ListOptions;
}

function items(path: string): string[] {
  const v = config.get(path);
  return Array.isArray(v) ? v.map(String) : [];
}

/** Redraws the rows and then focuses the input of row `i`. */
function redrawFocusing(self: Self<object>, i: number): void {
  self.redraw();
  self.after(() => self.host.querySelectorAll('input')[i]?.focus());
}

function row({ path, opts }: RowsProps, self: Self<object>, value: string, i: number): HTMLElement {
  const itemPath = `${path}/${i}`;
  const id = uid();
  const errId = `${id}-err`;
  const input = h('input', {
    id,
    type: opts.type ?? 'text',
    value,
    spellcheck: 'false',
    autocomplete: 'off',
    'data-path': itemPath,
    'aria-describedby': errId,
    placeholder: opts.placeholder ?? '',
  });
  const remove = () => {
    const next = items(path).filter((_, j) => j !== i);
    config.set(path, next.length ? next : undefined);
    redrawFocusing(self, Math.min(i, next.length - 1));
  };
  const field = h(
    'div',
    { class: 'field list-row', 'data-path': itemPath, 'data-field': '' },
    h('label', { for: id, class: 'visually-hidden' }, opts.itemLabel(i)),
    h(
      'div',
      { class: 'row' },
      input,
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost',
          'aria-label': t('form.removeItem', { item: value || opts.itemLabel(i) }),
          onClick: remove,
        },
        t('action.remove'),
      ),
    ),
    errorSlot(errId),
  );
  input.addEventListener('input', () => {
    config.set(itemPath, input.value);
    validate(field, itemPath, input.value);
    opts.onChange?.(items(path));
  });
  return field;
}

function ListRows(props: RowsProps, self: Self<object>): Child {
  return items(props.path).map((value, i) => row(props, self, value, i));
}

/** A fieldset of one input per string at `path`. */
export function stringListField(path: string, opts: ListOptions): HTMLElement {
  const rows = component(h('div', { class: 'list-rows' }), ListRows, { path, opts }, {});
  const add = () => {
    config.set(path, [...items(path), '']);
    redrawFocusing(rows, items(path).length - 1);
  };
  return h(
    'fieldset',
    { class: 'field field-list', 'data-path': path, 'data-field': '' },
    h('legend', null, opts.label),
    rows.host,
    opts.help ? h('div', { class: 'help' }, opts.help) : '',
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-sm', onClick: add },
      t('action.add'),
      ' ',
      opts.addLabel,
    ),
    errorSlot(),
  );
}
