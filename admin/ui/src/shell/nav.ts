/** The menu of pages (a drawer on phones) and the skip link before it. */
import { component, type Self } from '../component.js';
import { h, type Child } from '../dom.js';
import { onLangChange, t, type MsgKey } from '../i18n.js';
import { icon, type IconName } from '../icons.js';
import { PAGES, hrefOf, type PageName } from '../router.js';

const ICONS: Record<PageName, IconName> = {
  overview: 'overview',
  usage: 'usage',
  models: 'models',
  keys: 'keys',
  teams: 'teams',
  domain: 'domain',
  logs: 'logs',
  audit: 'audit',
  playground: 'playground',
  access: 'access',
  settings: 'settings',
};

const NAV_KEYS: Record<PageName, MsgKey> = {
  overview: 'nav.overview',
  usage: 'nav.usage',
  models: 'nav.models',
  keys: 'nav.keys',
  teams: 'nav.teams',
  domain: 'nav.domain',
  logs: 'nav.logs',
  audit: 'nav.audit',
  playground: 'nav.playground',
  access: 'nav.access',
  settings: 'nav.settings',
};

function Nav(_: null, self: Self<{ current: PageName }>): Child {
  self.host.setAttribute('aria-label', t('shell.nav'));
  return h(
    'ul',
    null,
    PAGES.map((p) =>
      h(
        'li',
        null,
        h(
          'a',
          { href: hrefOf(p), 'data-nav': p, 'aria-current': p === self.state.current ? 'page' : null },
          icon(ICONS[p]),
          h('span', null, t(NAV_KEYS[p])),
        ),
      ),
    ),
  );
}

/** The menu, marking `current`; `set({ current })` moves the mark. */
export function nav(current: PageName): Self<{ current: PageName }> {
  const self = component(h('nav', { class: 'sidebar', id: 'nav', 'aria-label': '' }), Nav, null, { current });
  self.listen(onLangChange);
  return self;
}

/** The skip link, first on the page. */
export function skipLink(): HTMLElement {
  const self = component(h('a', { class: 'skip-link', href: '#main' }), () => t('shell.skip'), null, {});
  self.listen(onLangChange);
  return self.host;
}
