/** The settings an audit entry changed (path, before → after; secrets arrive masked), folded until opened. */
import { changeItem } from '../../components/change-item.js';
import { h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import type { AuditEntry, ChangeLine } from './audit-entry.js';

function line(c: ChangeLine): HTMLElement {
  return changeItem(c.kind, c.path, c.before, c.after);
}

/** The entry's changes and other facts, or nothing when it has none. */
export function changeList(e: AuditEntry): Child {
  const count = e.changes.length + e.moreChanges;
  if (!count && !e.facts.length) return h('span', { class: 'muted' }, '—');
  return h(
    'details',
    { class: 'audit-changes' },
    h('summary', null, count ? t('audit.changes', { n: count }) : t('audit.details')),
    e.facts.length
      ? h(
          'dl',
          { class: 'audit-facts' },
          e.facts.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
        )
      : null,
    e.changes.length ? h('ul', { class: 'changes' }, e.changes.map(line)) : null,
    e.moreChanges ? h('p', { class: 'muted small' }, t('audit.moreChanges', { n: e.moreChanges })) : null,
  );
}
