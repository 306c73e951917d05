/** The client key field: pasted, never shown again; kept for the tab only when asked. */
import { clientKey, keptForTab, setClientKey } from '../../client-key.js';
import { component, type Self } from '../../component.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';

interface StatusProps {
  input: HTMLInputElement;
  keep: HTMLInputElement;
  /** After the key changed (the models are read again). */
  changed: () => void;
}

/** Whether a key is set, or what went wrong using it. */
function KeyStatus({ input, keep, changed }: StatusProps, self: Self<{ note: string | undefined }>): Child {
  input.placeholder = clientKey() ? t('play.keySet') : 'sk-…';
  if (self.state.note) return h('span', { class: 'error-text' }, self.state.note);
  if (!clientKey()) return t('play.keyHelp');
  const forget = () => {
    setClientKey('', false);
    keep.checked = false;
    self.set({ note: undefined });
    changed();
  };
  return h(
    'span',
    null,
    t('play.keyHelpSet'),
    ' ',
    h('button', { type: 'button', class: 'btn-link', onClick: forget }, t('play.forget')),
  );
}

/** The key field; `note` shows a problem the gateway reported for the key. */
export function keyField(changed: () => void): {
  field: HTMLElement;
  input: HTMLInputElement;
  note: (text: string | undefined) => void;
} {
  const input = h('input', { id: 'play-key', type: 'password', autocomplete: 'off', spellcheck: 'false' });
  const keep = h('input', { type: 'checkbox', id: 'play-keep', checked: keptForTab() });
  const status = component(
    h('div', { class: 'help', 'aria-live': 'polite' }),
    KeyStatus,
    { input, keep, changed },
    { note: undefined },
  );
  input.addEventListener('change', () => {
    if (!input.value.trim()) return;
    setClientKey(input.value, keep.checked);
    input.value = '';
    status.set({ note: undefined });
    changed();
  });
  keep.addEventListener('change', () => setClientKey(clientKey(), keep.checked));
  return {
    field: h(
      'div',
      { class: 'field field-md' },
      h('label', { for: 'play-key' }, t('play.key')),
      input,
      status.host,
      h('div', { class: 'check' }, keep, h('label', { for: 'play-keep' }, t('play.keep'))),
    ),
    input,
    note: (text) => status.set({ note: text }),
  };
}
