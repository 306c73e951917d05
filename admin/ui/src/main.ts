/**
 * The shell: top bar (language), navigation (a drawer on phones), the page area, the pending-
 * changes bar and a live region. Pages are drawn by their modules; a language switch or a
 * replaced config draft redraws the current one.
 */
import { pendingBar, issueList } from './apply-view.js';
import { config } from './config-state.js';
import { h, icon, mount } from './dom.js';
import { showIssues } from './form.js';
import { LANGS, lang, onLangChange, setLang, t, type Lang, type MsgKey } from './i18n.js';
import type { Page } from './page.js';
import { PAGES, hrefOf, pageOf, setNavigator, type PageName } from './router.js';
import { alertBox } from './ui.js';
import { domainPage } from './pages/domain.js';
import { keysPage } from './pages/keys.js';
import { logsPage } from './pages/logs.js';
import { modelsPage } from './pages/models.js';
import { overviewPage } from './pages/overview.js';
import { playgroundPage } from './pages/playground.js';
import { settingsPage } from './pages/settings.js';
import { usagePage } from './pages/usage.js';

const pages: Record<PageName, Page> = {
  overview: overviewPage,
  usage: usagePage,
  models: modelsPage,
  keys: keysPage,
  domain: domainPage,
  logs: logsPage,
  playground: playgroundPage,
  settings: settingsPage,
};

const ICONS: Record<PageName, Parameters<typeof icon>[0]> = {
  overview: 'overview',
  usage: 'usage',
  models: 'models',
  keys: 'keys',
  domain: 'domain',
  logs: 'logs',
  playground: 'playground',
  settings: 'settings',
};

const NAV_KEYS: Record<PageName, MsgKey> = {
  overview: 'nav.overview',
  usage: 'nav.usage',
  models: 'nav.models',
  keys: 'nav.keys',
  domain: 'nav.domain',
  logs: 'nav.logs',
  playground: 'nav.playground',
  settings: 'nav.settings',
};

const app = document.getElementById('app') ?? document.body;
const main = h('main', { id: 'main', tabindex: -1 });
const nav = h('nav', { class: 'sidebar', id: 'nav', 'aria-label': '' });
const top = h('header', { class: 'topbar' });
const issuesBox = h('div', { class: 'page-issues' });
const bar = pendingBar();
const skip = h('a', { class: 'skip-link', href: '#main' });
let current: PageName = pageOf(location.pathname);
let controller = new AbortController();
let navOpen = false;

function setNavOpen(open: boolean): void {
  navOpen = open;
  document.body.classList.toggle('nav-open', open);
  const btn = top.querySelector('.menu-btn');
  btn?.setAttribute('aria-expanded', String(open));
  if (open) nav.querySelector<HTMLElement>('a[aria-current="page"], a')?.focus();
}

function drawChrome(): void {
  const select = h('select', { id: 'lang', class: 'lang-select' }, LANGS.map((l) => h('option', { value: l.code }, l.label)));
  select.value = lang();
  select.addEventListener('change', () => setLang(select.value as Lang));
  mount(
    top,
    h('button', { type: 'button', class: 'btn btn-ghost btn-icon menu-btn', 'aria-controls': 'nav', 'aria-expanded': String(navOpen), 'aria-label': t('shell.menu'), onClick: () => setNavOpen(!navOpen) }, icon('menu')),
    h('a', { class: 'brand', href: hrefOf('overview'), 'data-nav': 'overview' }, h('img', { src: '/admin/assets/logo.svg', alt: '', width: 28, height: 28 }), h('span', null, t('shell.brand'))),
    h('span', { class: 'spacer' }),
    h('label', { for: 'lang', class: 'lang-label' }, icon('globe', 16), h('span', { class: 'visually-hidden' }, t('shell.language'))),
    select,
  );
  skip.textContent = t('shell.skip');
  nav.setAttribute('aria-label', t('shell.nav'));
  mount(
    nav,
    h(
      'ul',
      null,
      PAGES.map((p) =>
        h('li', null, h('a', { href: hrefOf(p), 'data-nav': p, 'aria-current': p === current ? 'page' : null }, icon(ICONS[p]), h('span', null, t(NAV_KEYS[p])))),
      ),
    ),
  );
}

function showServerIssues(): void {
  const page = pages[current];
  if (!page.editsConfig) {
    mount(issuesBox);
    return;
  }
  const unplaced = showIssues(main, config.serverIssues);
  mount(issuesBox, unplaced.length ? alertBox('error', h('strong', null, t('issues.elsewhere')), issueList(unplaced)) : null);
}

async function show(page: PageName, focus = true): Promise<void> {
  controller.abort();
  controller = new AbortController();
  current = page;
  for (const a of nav.querySelectorAll('a[data-nav]')) {
    if (a.getAttribute('data-nav') === page) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${t(pages[page].title)} · ${t('shell.brand')}`;
  setNavOpen(false);
  main.replaceChildren();
  const signal = controller.signal;
  try {
    await pages[page].render(main, signal);
  } catch (err) {
    if (!signal.aborted) main.append(alertBox('error', h('strong', null, t('error.page')), h('p', null, err instanceof Error ? err.message : String(err))));
  }
  if (signal.aborted) return;
  main.prepend(issuesBox);
  showServerIssues();
  if (focus) (main.querySelector<HTMLElement>('#page-title') ?? main).focus({ preventScroll: false });
}

setNavigator((p) => void show(p));

document.addEventListener('click', (e) => {
  const a = (e.target as Element | null)?.closest?.('a[data-nav]');
  if (!a || !(e instanceof MouseEvent) || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  const page = a.getAttribute('data-nav') as PageName;
  if (location.pathname !== hrefOf(page)) history.pushState(null, '', hrefOf(page));
  void show(page);
});
window.addEventListener('popstate', () => void show(pageOf(location.pathname)));
// Pages share one draft, so moving between them keeps it; leaving the console asks first.
window.addEventListener('beforeunload', (e) => {
  if (config.dirty()) e.preventDefault();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && navOpen) {
    setNavOpen(false);
    top.querySelector<HTMLElement>('.menu-btn')?.focus();
  }
});

onLangChange(() => {
  drawChrome();
  void show(current, false).then(() => document.getElementById('lang')?.focus());
});
config.onReload(() => {
  if (pages[current].editsConfig) void show(current, false);
});
config.onChange(() => showServerIssues());

document.documentElement.lang = lang();
mount(
  app,
  skip,
  top,
  h('div', { class: 'layout' }, nav, h('div', { class: 'scrim', onClick: () => setNavOpen(false) }), h('div', { class: 'content' }, main, bar)),
  h('div', { id: 'live', class: 'visually-hidden', 'aria-live': 'polite' }),
);
drawChrome();
void show(current, false);
