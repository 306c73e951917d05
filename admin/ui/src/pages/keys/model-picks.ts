/** The model allow-list of a new key: one checkbox per model of the stored config. */
import { isRecord } from '../../api.js';
import { component, type Self } from '../../component.js';
import { empty } from '../../components/alerts.js';
import { config } from '../../config-state.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';

/** Whether the config has been asked for (the models are known then, or known to be missing). */
export interface PicksState {
  loaded: boolean;
}

function ModelPicks(_: null, self: Self<PicksState, HTMLFieldSetElement>): Child {
  const legend = h('legend', null, t('keys.allowList'));
  if (!self.state.loaded) return legend;
  const models = Array.isArray(config.original?.models)
    ? config.original.models.filter(isRecord).map((m) => String(m.id))
    : [];
  return [
    legend,
    h('p', { class: 'help', id: 'allow-help' }, t('keys.allowListHelp')),
    models.length
      ? h(
          'div',
          { class: 'checks' },
          models.map((m) =>
            h(
              'label',
              { class: 'check-chip' },
              h('input', { type: 'checkbox', value: m, name: 'models' }),
              h('span', null, m),
            ),
          ),
        )
      : empty(t('keys.noModels')),
  ];
}

/** The allow-list fieldset; `set({ loaded: true })` once the config is loaded. */
export function modelPicks(): Self<PicksState, HTMLFieldSetElement> {
  return component(h('fieldset', { class: 'field model-picks' }), ModelPicks, null, { loaded: false });
}

/** The models checked. */
export function pickedModels(picks: HTMLFieldSetElement): string[] {
  return [...picks.querySelectorAll<HTMLInputElement>('input[name="models"]:checked')].map((c) => c.value);
}
