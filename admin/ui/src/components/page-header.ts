/** The page heading (focused after navigation) with a description and actions. */
import { h, type Child } from '../dom.js';

/** A page's header: its h1, a lead paragraph and action buttons. */
export function pageHeader(title: string, description?: Child, ...actions: Child[]): HTMLElement {
  return h(
    'header',
    { class: 'page-header' },
    h(
      'div',
      null,
      h('h1', { tabindex: -1, id: 'page-title' }, title),
      description ? h('p', { class: 'lead' }, description) : null,
    ),
    actions.length ? h('div', { class: 'page-actions' }, actions) : null,
  );
}
