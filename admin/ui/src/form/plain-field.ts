/**
 * A field of a form that is sent on its own (a key, a team) rather than bound to the config draft:
 * the label, the control, help and the error slot, with the field's JSON pointer in the entry
 * (`/limits/requestsPerMinute`) on both, so the problems of that path land on it (show-issues.ts).
 * Typing or choosing again clears them.
 */
import type { Child } from '../dom.js';
import { h } from '../dom.js';
import { setFieldErrors } from './error-slot.js';
import { describe, fieldFrame, fieldIds } from './field-frame.js';

/** How a plain field looks. */
export interface PlainFieldOptions {
  help?: Child;
  size?: 'sm' | 'md' | 'lg';
  /** Shown inside the input's end (a currency, "%"). */
  unit?: string;
}

/** `control` labelled `label` as the field of `path`. */
export function plainField(
  path: string,
  label: string,
  control: HTMLInputElement | HTMLSelectElement,
  opts: PlainFieldOptions = {},
): HTMLElement {
  const ids = fieldIds();
  control.id = ids.id;
  control.setAttribute('data-path', path);
  describe(control, ids, !!opts.help);
  const shown = opts.unit
    ? h('div', { class: 'with-unit' }, control, h('span', { class: 'unit', 'aria-hidden': 'true' }, opts.unit))
    : control;
  const text = h(
    'label',
    { for: ids.id },
    label,
    opts.unit ? h('span', { class: 'visually-hidden' }, ` (${opts.unit})`) : null,
  );
  const field = fieldFrame(path, text, shown, ids, opts.help, opts.size);
  const clear = () => setFieldErrors(field, [], 'server');
  control.addEventListener('input', clear);
  control.addEventListener('change', clear);
  return field;
}

/** A text input for a plain field. */
export function textInput(value: string, attrs: Record<string, string | number | boolean> = {}): HTMLInputElement {
  return h('input', { type: 'text', value, autocomplete: 'off', spellcheck: 'false', ...attrs });
}

/** A select of `choices` showing `value`. */
export function selectInput(choices: { value: string; label: string }[], value: string): HTMLSelectElement {
  const select = h(
    'select',
    null,
    choices.map((c) => h('option', { value: c.value }, c.label)),
  );
  select.value = value;
  return select;
}
