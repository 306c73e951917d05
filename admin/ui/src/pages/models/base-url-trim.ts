/**
 * A base URL pasted with the API path (`…/openai/v1`, as Azure's portal shows the endpoint) is
 * trimmed to the resource's address when the field is left, and the field says what was removed:
 * the routes add `/openai/v1/<route>` themselves, and the server refuses such a URL.
 */
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { t } from '../../i18n.js';

const API_PATH_SUFFIX = /\/openai(\/v1)?\/*$/i;

/** `url` without a trailing `/openai` or `/openai/v1`, and the part removed ('' when none). */
export function trimApiPath(url: string): { url: string; removed: string } {
  const m = API_PATH_SUFFIX.exec(url);
  if (!m || !URL.canParse(url)) return { url, removed: '' };
  return { url: url.slice(0, m.index).replace(/\/+$/, ''), removed: url.slice(m.index) };
}

/** Makes the base-URL field `field` (for config path `path`) trim the API path on change. */
export function trimsApiPath(field: HTMLElement, path: string): HTMLElement {
  const input = field.querySelector('input');
  const note = h('p', { class: 'help note', role: 'status' });
  note.hidden = true;
  field.append(note);
  input?.addEventListener('change', () => {
    const { url, removed } = trimApiPath(input.value.trim());
    note.hidden = removed === '';
    if (removed === '') return;
    input.value = url;
    config.set(path, url);
    note.textContent = t('models.baseUrlTrimmed', { suffix: removed });
  });
  return field;
}
