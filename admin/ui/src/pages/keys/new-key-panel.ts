/** The key just created, or the new secret of a rotated key, shown once with a copy button; never fetched again. */
import { setClientKey } from '../../client-key.js';
import { component, type Self } from '../../component.js';
import { copyButton } from '../../components/copy-button.js';
import { h, type Child } from '../../dom.js';
import { dateTime, relative } from '../../format.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import { navigate } from '../../router.js';

/** A created key, or a rotated one with when its previous secret stops working (null: at once). */
export interface CreatedKey {
  id: string;
  key: string;
  rotated?: { previousValidUntil: string | null };
}

/** The panel's state; kept here too, so a redrawn page (a language switch) still shows the key. */
export interface PanelState {
  created: CreatedKey | undefined;
}

let kept: CreatedKey | undefined;

/** Forgets the created key (the user left the page). */
export function forgetCreatedKey(): void {
  kept = undefined;
}

function NewKeyPanel(_: null, self: Self<PanelState>): Child {
  const { created } = self.state;
  kept = created;
  if (!created) return null;
  const { id, key, rotated } = created;
  const input = h('input', {
    id: 'new-key',
    class: 'mono',
    readonly: true,
    value: key,
    'aria-describedby': 'new-key-warning',
    spellcheck: 'false',
  });
  input.addEventListener('focus', () => input.select());
  return h(
    'section',
    { class: 'card new-key', 'aria-labelledby': 'new-key-title' },
    h('h2', { id: 'new-key-title' }, icon('check'), t(rotated ? 'keys.rotatedTitle' : 'keys.createdTitle', { id })),
    h('p', { id: 'new-key-warning', class: 'warn-text' }, t('keys.shownOnce')),
    rotated
      ? h(
          'p',
          { class: 'previous-secret' },
          rotated.previousValidUntil
            ? t('keys.previousUntil', {
                when: dateTime(rotated.previousValidUntil, true),
                rel: relative(rotated.previousValidUntil),
              })
            : t('keys.previousStopped'),
        )
      : null,
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'new-key' }, t('keys.theKey')),
      h(
        'div',
        { class: 'row' },
        input,
        copyButton(() => key),
      ),
    ),
    h(
      'div',
      { class: 'button-row' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary',
          onClick: () => {
            setClientKey(key, false);
            navigate('playground');
          },
        },
        t('keys.usePlayground'),
      ),
      h(
        'button',
        { type: 'button', class: 'btn btn-ghost', onClick: () => self.set({ created: undefined }) },
        t('keys.dismiss'),
      ),
    ),
  );
}

/** The panel (empty until a key is created). */
export function newKeyPanel(): Self<PanelState> {
  return component(h('div'), NewKeyPanel, null, { created: kept });
}
