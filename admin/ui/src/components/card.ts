/** A card: a titled section of a page. */
import { h, type Child } from '../dom.js';
import { errorSlot } from '../form/error-slot.js';

/** A card; with `path` it is also where server issues of that config path land. */
export function card(
  title: Child,
  body: Child,
  opts: { path?: string; actions?: Child; class?: string; id?: string } = {},
): HTMLElement {
  return h(
    'section',
    {
      class: `card${opts.class ? ` ${opts.class}` : ''}`,
      'data-path': opts.path,
      id: opts.id,
      'aria-label': typeof title === 'string' ? title : null,
    },
    title || opts.actions
      ? h(
          'div',
          { class: 'card-head' },
          title ? h('h2', null, title) : h('span'),
          opts.actions ? h('div', { class: 'card-actions' }, opts.actions) : null,
        )
      : null,
    opts.path !== undefined ? errorSlot() : null,
    h('div', { class: 'card-body' }, body),
  );
}
