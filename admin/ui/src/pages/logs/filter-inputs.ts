/** The inputs of the Logs page's toolbars: a search box that applies once typing pauses, and a select. */
import { h, type Child } from '../../dom.js';

/** A search input that applies `onChange` (and reloads) once typing pauses. */
export function searchInput(
  value: string,
  placeholder: string,
  onChange: (v: string) => void,
  load: () => void,
): HTMLInputElement {
  const el = h('input', { type: 'search', value, placeholder, autocomplete: 'off', spellcheck: 'false' });
  let timer: ReturnType<typeof setTimeout> | undefined;
  el.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      onChange(el.value.trim());
      load();
    }, 300);
  });
  return el;
}

/** A select of `options` whose choice goes to `onChange`. */
export function filterSelect(options: Child, value: string, onChange: (v: string) => void): HTMLSelectElement {
  const select = h('select', null, options);
  select.value = value;
  select.addEventListener('change', () => onChange(select.value));
  return select;
}
