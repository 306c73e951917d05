/** A segmented control (a radio group) for a few choices. */
import { h } from '../dom.js';

/** Radio buttons styled as one control; `onChange` gets the chosen value. */
export function segmented<T extends string>(
  label: string,
  options: { value: T; label: string }[],
  value: T,
  onChange: (v: T) => void,
): HTMLElement {
  const name = `seg-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    'fieldset',
    { class: 'segmented' },
    h('legend', { class: 'visually-hidden' }, label),
    options.map((o) => {
      const id = `${name}-${o.value}`;
      const input = h('input', { type: 'radio', name, id, value: o.value, checked: o.value === value });
      input.addEventListener('change', () => input.checked && onChange(o.value));
      return h('span', { class: 'seg' }, input, h('label', { for: id }, o.label));
    }),
  );
}
