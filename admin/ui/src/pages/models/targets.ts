/** A pooled model's targets: upstream, deployment, priority and weight of each; add and remove. */
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { numberField } from '../../form/number-field.js';
import { selectField } from '../../form/select-field.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import { draftList, upstreamNames } from './draft-lists.js';
import type { Redraw } from './editor.js';

function targetRow(base: string, j: number, names: string[], redraw: Redraw): HTMLElement {
  const tb = `${base}/targets/${j}`;
  const remove = () => {
    const rest = draftList(`${base}/targets`).filter((_, k) => k !== j);
    config.set(`${base}/targets`, rest.length ? rest : undefined);
    redraw();
  };
  return h(
    'div',
    { class: 'target-row card-inner', 'data-path': tb },
    h(
      'div',
      { class: 'form-grid' },
      selectField(`${tb}/upstream`, {
        label: t('models.upstream'),
        options: names.map((n) => ({ value: n, label: n })),
        size: 'md',
      }),
      textField(`${tb}/targetModel`, {
        label: t('models.deployment'),
        size: 'md',
        help: t('models.deploymentInherit'),
      }),
      numberField(`${tb}/priority`, { label: t('models.priority') }),
      numberField(`${tb}/weight`, { label: t('models.weight') }),
    ),
    h(
      'button',
      { type: 'button', class: 'btn btn-ghost btn-sm btn-danger-text', onClick: remove },
      t('models.removeTarget'),
    ),
  );
}

/** The targets of the model at `base`. */
export function targetRows(base: string, redraw: Redraw): HTMLElement {
  const names = upstreamNames();
  const add = () => {
    config.set(`${base}/targets`, [
      ...draftList(`${base}/targets`),
      { upstream: names[0] ?? '', priority: 0, weight: 1 },
    ]);
    redraw();
  };
  return h(
    'div',
    { class: 'targets' },
    draftList(`${base}/targets`).map((_, j) => targetRow(base, j, names, redraw)),
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-sm', onClick: add },
      icon('plus', 16),
      t('models.addTarget'),
    ),
  );
}
