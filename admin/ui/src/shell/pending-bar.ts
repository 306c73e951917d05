/** The bar at the bottom of every page while the draft has changes: count, discard, review & apply. */
import { component, type Self } from '../component.js';
import { config } from '../config-state.js';
import { h, type Child } from '../dom.js';
import { onLangChange, t } from '../i18n.js';
import { openReview } from './review-dialog.js';
import { gate } from '../access.js';

function PendingBar(_: null, self: Self<object>): Child {
  const n = config.original ? config.changes().length : 0;
  const issues = config.original ? config.serverIssues.length : 0;
  self.host.setAttribute('aria-label', t('pending.region'));
  self.host.hidden = n === 0 && issues === 0;
  if (!config.original) return null;
  return [
    h(
      'span',
      { class: 'pending-text' },
      n ? t('pending.count', { n }) : '',
      issues ? h('span', { class: 'badge badge-error' }, t('pending.issues', { n: issues })) : null,
    ),
    h(
      'div',
      { class: 'pending-actions' },
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary', disabled: n === 0, onClick: () => config.discard() },
        t('action.discard'),
      ),
      gate(
        h(
          'button',
          { type: 'button', class: 'btn btn-primary', disabled: n === 0, onClick: openReview },
          t('action.review'),
        ),
        'operator',
      ),
    ),
  ];
}

/** The pending-changes bar; it follows the draft and the language. */
export function pendingBar(): HTMLElement {
  const self = component(h('div', { class: 'pending-bar', role: 'region', hidden: true }), PendingBar, null, {});
  self.listen((fn) => config.onChange(fn));
  self.listen(onLangChange);
  return self.host;
}
