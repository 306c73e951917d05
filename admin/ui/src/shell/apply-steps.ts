/** The steps of an apply transaction as a list: ✓/✗, name, time, detail; rollback steps marked. */
import type { Step } from '../api.js';
import { h } from '../dom.js';
import { ms } from '../format.js';
import { hasKey, t } from '../i18n.js';
import { icon } from '../icons.js';

const ROLLBACK_STEPS = new Set(['restore_files', 'caddy_restore', 'proxy_restore']);

/** The translated name of an apply step. */
function stepLabel(name: string): string {
  const key = `step.${name}`;
  return hasKey(key) ? t(key) : name;
}

/** The steps of an apply. */
export function stepList(steps: Step[]): HTMLElement {
  return h(
    'ol',
    { class: 'steps', 'aria-label': t('apply.steps') },
    steps.map((s) =>
      h(
        'li',
        { class: `step ${s.ok ? 'ok' : 'fail'}${ROLLBACK_STEPS.has(s.name) ? ' rollback' : ''}`, 'data-step': s.name },
        h('span', { class: 'step-icon', 'aria-hidden': 'true' }, icon(s.ok ? 'check' : 'alert', 16)),
        h(
          'span',
          { class: 'step-name' },
          stepLabel(s.name),
          ROLLBACK_STEPS.has(s.name) ? h('span', { class: 'badge badge-warn' }, t('apply.rollback')) : null,
        ),
        h('span', { class: 'visually-hidden' }, s.ok ? t('apply.stepOk') : t('apply.stepFailed')),
        h('span', { class: 'step-ms' }, ms(s.ms)),
        s.detail ? h('div', { class: 'step-detail' }, s.detail) : null,
      ),
    ),
  );
}
