/** The outcome of an apply as an alert block (in the review dialog and on the Domain page). */
import type { ApplyOutcome } from '../apply-outcome.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { icon } from '../icons.js';
import { stepList } from './apply-steps.js';
import { issueList } from './issue-list.js';

/** What an apply came to, with its steps. */
export function outcomeView(outcome: ApplyOutcome): HTMLElement {
  switch (outcome.kind) {
    case 'applied':
      return h(
        'div',
        { class: 'outcome' },
        h(
          'div',
          { class: 'alert alert-ok', role: 'status' },
          icon('check'),
          h('span', null, outcome.unchanged ? t('apply.unchanged') : t('apply.done')),
        ),
        outcome.steps.length ? stepList(outcome.steps) : null,
        outcome.warnings.length
          ? h(
              'ul',
              { class: 'warnings' },
              outcome.warnings.map((w) => h('li', null, `${w.path || '/'}: ${w.message}`)),
            )
          : null,
      );
    case 'failed':
      return h(
        'div',
        { class: 'outcome' },
        h(
          'div',
          { class: 'alert alert-error', role: 'alert' },
          icon('alert'),
          h(
            'div',
            null,
            h('strong', null, t('apply.failed')),
            h('p', null, outcome.message),
            h('p', null, outcome.rolledBack === false ? t('apply.rollbackIncomplete') : t('apply.rolledBack')),
            outcome.hint ? h('p', null, outcome.hint) : null,
          ),
        ),
        stepList(outcome.steps),
      );
    case 'invalid':
      return h(
        'div',
        { class: 'alert alert-error', role: 'alert' },
        icon('alert'),
        h('div', null, h('strong', null, t('apply.invalid')), issueList(outcome.issues)),
      );
    case 'conflict':
      return h(
        'div',
        { class: 'alert alert-warn', role: 'alert' },
        icon('alert'),
        h('div', null, h('strong', null, t('conflict.title')), h('p', null, t('conflict.body'))),
      );
    case 'error':
      return h(
        'div',
        { class: 'alert alert-error', role: 'alert' },
        icon('alert'),
        h('div', null, h('strong', null, t('apply.error', { status: outcome.status })), h('p', null, outcome.message)),
      );
  }
}
