/** Issues as a list, each naming its field in words; each links to the page and field where it can be fixed. */
import type { Issue } from '../api.js';
import { config } from '../config-state.js';
import { fieldPlace } from '../field-words.js';
import { h } from '../dom.js';
import { navigate, pageForPath } from '../router.js';

/** Moves focus to the field of `path` (or its nearest enclosing element) on the current page. */
function focusPath(path: string): void {
  const segs = path.split('/');
  for (let n = segs.length; n > 1; n--) {
    const p = segs.slice(0, n).join('/');
    const el = document.querySelector<HTMLElement>(`main [data-path="${CSS.escape(p)}"]`);
    if (el) {
      const target = el.matches('input, select, textarea')
        ? el
        : (el.querySelector<HTMLElement>('input, select, textarea, button') ?? el);
      target.focus();
      target.scrollIntoView({ block: 'center' });
      return;
    }
  }
}

/** The issues, each a link that closes the dialog (`close`), opens the right page and focuses the field. */
export function issueList(issues: Issue[], close?: () => void): HTMLElement {
  return h(
    'ul',
    { class: 'issues' },
    issues.map((i) =>
      h(
        'li',
        null,
        h(
          'a',
          {
            href: '#',
            onClick: (e: Event) => {
              e.preventDefault();
              close?.();
              navigate(pageForPath(i.path));
              setTimeout(() => focusPath(i.path), 50);
            },
          },
          fieldPlace(i.path, config.draft),
        ),
        ': ',
        i.message,
        ' ',
        h('code', { class: 'muted' }, i.path || '/'),
      ),
    ),
  );
}
