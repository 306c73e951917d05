/** The model allow-list of a key: one checkbox per model of the stored config. */
import { empty } from '../../components/alerts.js';
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { errorSlot } from '../../form/error-slot.js';
import { t } from '../../i18n.js';

/** The allow-list fieldset with `picked` checked; problems of `/models` land on it. */
export function modelPicks(picked: string[]): HTMLFieldSetElement {
  const models = config.entries('models').map((m) => String(m.id));
  // A model no longer configured stays listed (and checked) rather than silently dropped.
  const shown = [...models, ...picked.filter((m) => !models.includes(m))];
  return h(
    'fieldset',
    { class: 'field model-picks', 'data-path': '/models', 'data-field': '' },
    h('legend', null, t('keys.allowList')),
    h('p', { class: 'help' }, t('keys.allowListHelp')),
    shown.length
      ? h(
          'div',
          { class: 'checks' },
          shown.map((m) =>
            h(
              'label',
              { class: 'check-chip' },
              h('input', { type: 'checkbox', value: m, name: 'models', checked: picked.includes(m) }),
              h('span', null, m),
            ),
          ),
        )
      : empty(t('keys.noModels')),
    errorSlot(),
  );
}

/** The models checked. */
export function pickedModels(picks: HTMLFieldSetElement): string[] {
  return [...picks.querySelectorAll<HTMLInputElement>('input[name="models"]:checked')].map((c) => c.value);
}
