/** Tables and key/value lists. */
import { h, type Child } from '../dom.js';

/**
 * A table with a caption (visually hidden unless given `showCaption`) that scrolls sideways on
 * phones, or with `stackOnPhone` shows each row as a block of labelled cells there (app.css).
 */
export function table(
  caption: string,
  head: Child[],
  rows: Child[][],
  opts: { showCaption?: boolean; numeric?: number[]; class?: string; stackOnPhone?: boolean } = {},
): HTMLElement {
  const numeric = new Set(opts.numeric ?? []);
  const label = (i: number) => (opts.stackOnPhone && typeof head[i] === 'string' ? head[i] : null);
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: `${opts.class ?? ''}${opts.stackOnPhone ? ' stack-phone' : ''}` },
      h('caption', { class: opts.showCaption ? '' : 'visually-hidden' }, caption),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          head.map((c, i) => h('th', { scope: 'col', class: numeric.has(i) ? 'num' : '' }, c)),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((r) =>
          h(
            'tr',
            null,
            r.map((c, i) =>
              i === 0
                ? h('th', { scope: 'row' }, c)
                : h('td', { class: numeric.has(i) ? 'num' : '', 'data-label': label(i) }, c),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A key/value list. */
export function facts(items: [string, Child][]): HTMLElement {
  return h(
    'dl',
    { class: 'facts' },
    items.map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
  );
}
