/** The top bar: the menu button (phones), the brand and the language. */
import { component, type Self } from '../component.js';
import { h, setAttrs, type Child } from '../dom.js';
import { LANGS, lang, onLangChange, setLang, t, type Lang } from '../i18n.js';
import { icon } from '../icons.js';
import { hrefOf } from '../router.js';
import { currentUser, roleLabel } from '../access.js';
import { navOpen, onNavToggle, setNavOpen } from './nav-drawer.js';

// Next to the scripts of the same build (js/shell/ → the build's root), so it is cached with them.
const LOGO = new URL('../../logo.svg', import.meta.url).href;

function MenuButton(_: null, self: Self<object, HTMLButtonElement>): Child {
  setAttrs(self.host, { 'aria-expanded': String(navOpen()), 'aria-label': t('shell.menu') });
  return icon('menu');
}

// Who is signed in, and (after an Entra ID sign-in) the way out: the server ends the session.
function whoAmI(): Child {
  const me = currentUser();
  if (!me.name) return null;
  const signOut = async () => {
    await fetch('/admin/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
    location.assign('/admin/login?signedout=1');
  };
  return [
    h('span', { class: 'whoami', id: 'whoami' }, t('access.signedInAs', { name: me.name, role: roleLabel(me.role) })),
    me.canSignOut
      ? h(
          'button',
          { type: 'button', class: 'btn btn-ghost', id: 'sign-out', onClick: () => void signOut() },
          t('access.signOut'),
        )
      : null,
  ];
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
    whoAmI(),
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
  bar.listen((fn) => {
    bar.host.addEventListener('identity', fn);
    return () => bar.host.removeEventListener('identity', fn);
  });
  return bar.host;
}
