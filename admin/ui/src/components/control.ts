/** A labelled control that is not bound to the config (filters, playground). */
import { h, type Child } from '../dom.js';

/** `input` with its label and optional help. */
export function control(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  help?: Child,
): HTMLElement {
  const id = input.id || `c-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  const helpEl = help ? h('div', { class: 'help', id: `${id}-help` }, help) : null;
  if (helpEl) input.setAttribute('aria-describedby', helpEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, helpEl);
}
