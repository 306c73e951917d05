/**
 * The shell: top bar (language), navigation (a drawer on phones), the page area, the pending-
 * changes bar and a live region. Each is a component that redraws itself (component.ts); moving
 * to a page draws it afresh, and so does a language switch or a replaced config draft.
 */
import { config } from './config-state.js';
import { h } from './dom.js';
import { showIssues } from './form/show-issues.js';
import { lang, onLangChange, t } from './i18n.js';
import type { Page } from './page.js';
import { hrefOf, pageOf, setNavigator, type PageName } from './router.js';
import { nav, skipLink } from './shell/nav.js';
import { navOpen, setNavOpen } from './shell/nav-drawer.js';
import { issuesBox, showPage } from './shell/page-frame.js';
import { pendingBar } from './shell/pending-bar.js';
import { stagedBanner } from './shell/staged-banner.js';
import { restoreView } from './shell/view-state.js';
import { topbar } from './shell/topbar.js';
import { auditPage } from './pages/audit/page.js';
import { accessPage } from './pages/access/page.js';
import { loadMe, roleNotice } from './access.js';
import { domainPage } from './pages/domain/page.js';
import { keysPage } from './pages/keys/page.js';
import { logsPage } from './pages/logs/page.js';
import { modelsPage } from './pages/models/page.js';
import { overviewPage } from './pages/overview/page.js';
import { playgroundPage } from './pages/playground/page.js';
import { settingsPage } from './pages/settings/page.js';
import { teamsPage } from './pages/teams/page.js';
import { usagePage } from './pages/usage/page.js';

const pages: Record<PageName, Page> = {
  overview: overviewPage,
  usage: usagePage,
  models: modelsPage,
  keys: keysPage,
  teams: teamsPage,
  domain: domainPage,
  logs: logsPage,
  audit: auditPage,
  playground: playgroundPage,
  access: accessPage,
  settings: settingsPage,
};

// `<html lang>` first, so everything redrawn after a switch is read in the new language.
onLangChange(() => {
  document.documentElement.lang = lang();
});

const app = document.getElementById('app') ?? document.body;
const main = h('main', { id: 'main', tabindex: -1 });
const top = topbar();
const menu = nav(pageOf(location.pathname));
const issues = issuesBox();
let current: PageName = pageOf(location.pathname);
// The page `main` holds, once drawn: showing it again keeps what the operator had opened.
let shown: PageName | undefined;
let controller = new AbortController();

function showServerIssues(): void {
  const unplaced = pages[current].editsConfig ? showIssues(main, config.serverIssues) : [];
  issues.set({ issues: unplaced });
}

async function show(page: PageName, focus = true): Promise<void> {
  controller.abort();
  controller = new AbortController();
  // The same page drawn again (a config reload, a language switch) keeps its open sections, focus
  // and scroll position (shell/view-state.ts); another page starts at its top.
  const again = shown === page;
  if (!again) shown = undefined;
  current = page;
  menu.set({ current: page });
  document.title = `${t(pages[page].title)} · ${t('shell.brand')}`;
  setNavOpen(false);
  const signal = controller.signal;
  const view = await showPage(main, pages[page], signal, issues.host, again);
  if (signal.aborted) return;
  shown = page;
  // What this role may not change here is said once at the top (the server refuses it anyway).
  const notice = roleNotice(page);
  if (notice) main.querySelector('.page-header')?.after(notice);
  showServerIssues();
  if (view) restoreView(main, view);
  else if (focus) (main.querySelector<HTMLElement>('#page-title') ?? main).focus({ preventScroll: false });
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
  if (e.key === 'Escape' && navOpen()) {
    setNavOpen(false);
    top.querySelector<HTMLElement>('.menu-btn')?.focus();
  }
});

onLangChange(() => {
  void show(current, false).then(() => document.getElementById('lang')?.focus());
});
config.onReload(() => {
  if (pages[current].editsConfig)
    // The role decides what the shell offers, so it is known before the first page is drawn.
    void loadMe().then(() => {
      top.dispatchEvent(new Event('identity'));
      return show(current, false);
    });
});
config.onChange(() => showServerIssues());

document.documentElement.lang = lang();
app.replaceChildren(
  skipLink(),
  top,
  h(
    'div',
    { class: 'layout' },
    menu.host,
    h('div', { class: 'scrim', onClick: () => setNavOpen(false) }),
    h('div', { class: 'content' }, stagedBanner(), main, pendingBar()),
  ),
  h('div', { id: 'live', class: 'visually-hidden', 'aria-live': 'polite' }),
);
// The role decides what the shell offers, so it is known before the first page is drawn.
void loadMe().then(() => {
  top.dispatchEvent(new Event('identity'));
  return show(current, false);
});
