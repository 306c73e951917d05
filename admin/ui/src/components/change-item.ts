/** One changed setting as a list item: added, removed or changed, its place, and before → after. */
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** The item of a change of `kind` at `place` (words); `pointer`, when given, is shown as a detail. */
export function changeItem(
  kind: 'added' | 'removed' | 'changed',
  place: string,
  before: string,
  after: string,
  pointer?: string,
): HTMLElement {
  return h(
    'li',
    { class: `change change-${kind}` },
    h('span', { class: `badge badge-${kind}` }, t(`diff.${kind}`)),
    h('span', { class: 'change-path' }, place),
    pointer ? h('code', { class: 'change-pointer muted' }, pointer) : null,
    h(
      'div',
      { class: 'change-values' },
      kind !== 'added' ? h('del', null, before) : null,
      kind === 'changed' ? h('span', { 'aria-hidden': 'true' }, ' → ') : null,
      kind !== 'removed' ? h('ins', null, after) : null,
    ),
  );
}
