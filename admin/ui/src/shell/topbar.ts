/** The top bar: the menu button (phones), the brand and the language. */
import { component, type Self } from '../component.js';
import { h, setAttrs, type Child } from '../dom.js';
import { LANGS, lang, onLangChange, setLang, t, type Lang } from '../i18n.js';
import { icon } from '../icons.js';
import { hrefOf } from '../router.js';
import { navOpen, onNavToggle, setNavOpen } from './nav-drawer.js';

// Next to the scripts of the same build (js/shell/ → the build's root), so it is cached with them.
const LOGO = new URL('../../logo.svg', import.meta.url).href;

function MenuButton(_: null, self: Self<object, HTMLButtonElement>): Child {
  setAttrs(self.host, { 'aria-expanded': String(navOpen()), 'aria-label': t('shell.menu') });
  return icon('menu');
}

function Topbar(menu: HTMLButtonElement): Child {
  const select = h(
    'select',
    { id: 'lang', class: 'lang-select' },
    LANGS.map((l) => h('option', { value: l.code }, l.label)),
  );
  select.value = lang();
  select.addEventListener('change', () => setLang(select.value as Lang));
  return [
    menu,
    h(
      'a',
      { class: 'brand', href: hrefOf('overview'), 'data-nav': 'overview' },
      h('img', { src: LOGO, alt: '', width: 28, height: 28 }),
      h('span', null, t('shell.brand')),
    ),
    h('span', { class: 'spacer' }),
    h(
      'label',
      { for: 'lang', class: 'lang-label' },
      icon('globe', 16),
      h('span', { class: 'visually-hidden' }, t('shell.language')),
    ),
    select,
  ];
}

/** The top bar; it follows the language and the drawer. */
export function topbar(): HTMLElement {
  const menu = component(
    h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-icon menu-btn',
      'aria-controls': 'nav',
      onClick: () => setNavOpen(!navOpen()),
    }),
    MenuButton,
    null,
    {},
  );
  menu.listen(onNavToggle);
  menu.listen(onLangChange);
  const bar = component(h('header', { class: 'topbar' }), Topbar, menu.host, {});
  bar.listen(onLangChange);
  return bar.host;
}
