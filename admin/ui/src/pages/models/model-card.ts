/** One model of the draft: its id, one upstream (or a pool of targets), options and routes. */
import { promptLogBadge } from '../../components/prompt-log-notice.js';
import { card } from '../../components/card.js';
import { badge } from '../../components/status.js';
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { checkField } from '../../form/check-field.js';
import { selectField } from '../../form/select-field.js';
import { textField } from '../../form/text-field.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import { pointer } from '../../json-pointer.js';
import { draftList, storedList, upstreamNames } from './draft-lists.js';
import type { Redraw } from './editor.js';
import { targetRows } from './targets.js';
import { ROUTE_KEYS } from './upstream-card.js';

type Json = Record<string, unknown>;

/** The "pool of targets" switch: turning it on moves the model's upstream into the first target. */
function poolToggle(i: number, base: string, m: Json, names: string[], redraw: Redraw): HTMLElement {
  const toggle = h('input', { type: 'checkbox', id: `pool-${i}`, checked: Array.isArray(m.targets) });
  toggle.addEventListener('change', () => {
    if (toggle.checked) {
      const first = {
        upstream: String(m.upstream ?? names[0] ?? ''),
        ...(m.targetModel ? { targetModel: m.targetModel } : {}),
        priority: 0,
        weight: 1,
      };
      config.set(`${base}/targets`, [first]);
    } else {
      config.set(`${base}/targets`, undefined);
      if (!m.upstream && names[0]) config.set(`${base}/upstream`, names[0]);
    }
    redraw(() => document.getElementById(`pool-${i}`)?.focus());
  });
  return h(
    'div',
    { class: 'field field-check' },
    h('div', { class: 'check' }, toggle, h('label', { for: `pool-${i}` }, t('models.pool'))),
  );
}

function routes(base: string): HTMLElement {
  return h(
    'details',
    { class: 'advanced' },
    h('summary', null, t('models.routes')),
    h('p', { class: 'help' }, t('models.routesHelp')),
    h(
      'div',
      { class: 'form-grid' },
      ['*', ...ROUTE_KEYS].map((rk) =>
        textField(`${base}/routes${pointer(rk)}`, {
          label: rk === '*' ? t('models.routeAll') : rk,
          size: 'lg',
          placeholder: rk === '*' ? 'responses' : '',
        }),
      ),
    ),
  );
}

/** The card of model `i`. */
export function modelCard(i: number, redraw: Redraw): HTMLElement {
  const base = pointer('models', i);
  const m = draftList('/models')[i] ?? {};
  const id = String(m.id ?? '');
  const pooled = Array.isArray(m.targets);
  const names = upstreamNames();
  const saved = storedList('models').some((x) => String(x.id) === id);
  const remove = () => {
    config.set(base, undefined);
    redraw();
  };
  return card(
    h(
      'span',
      null,
      id || t('models.newModel'),
      saved ? null : badge(t('models.unsaved'), 'info'),
      saved ? promptLogBadge('model', id) : null,
    ),
    h(
      'div',
      null,
      h(
        'div',
        { class: 'form-grid' },
        textField(`${base}/id`, { label: t('models.modelId'), size: 'md' }),
        pooled
          ? null
          : selectField(`${base}/upstream`, {
              label: t('models.upstream'),
              options: names.map((n) => ({ value: n, label: n })),
              size: 'md',
            }),
        pooled
          ? null
          : textField(`${base}/targetModel`, {
              label: t('models.deployment'),
              size: 'md',
              placeholder: id || undefined,
            }),
        textField(`${base}/ownedBy`, { label: t('models.ownedBy'), size: 'sm', placeholder: 'system' }),
      ),
      h(
        'div',
        { class: 'check-row' },
        checkField(`${base}/streamUsage`, { label: t('models.streamUsage') }),
        poolToggle(i, base, m, names, redraw),
      ),
      pooled
        ? h('fieldset', { class: 'subsection' }, h('legend', null, t('models.targets')), targetRows(base, redraw))
        : null,
      routes(base),
    ),
    {
      path: base,
      class: 'item-card',
      actions: h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost btn-danger-text',
          'aria-label': t('models.removeModel', { name: id || String(i + 1) }),
          onClick: remove,
        },
        icon('trash', 16),
        t('action.remove'),
      ),
    },
  );
}
