/** Pages live at /admin/<page>; the History API moves between them without reloading. */

/** The pages, in menu order. */
export const PAGES = [
  'overview',
  'usage',
  'models',
  'keys',
  'teams',
  'domain',
  'logs',
  'audit',
  'playground',
  'access',
  'settings',
] as const;
/** A page's name (and its path segment). */
export type PageName = (typeof PAGES)[number];

/** The page of a location path. */
export function pageOf(pathname: string): PageName {
  const seg = pathname.replace(/^\/admin\/?/, '').split('/')[0] ?? '';
  return (PAGES as readonly string[]).includes(seg) ? (seg as PageName) : 'overview';
}

/** The URL of a page. */
export function hrefOf(page: PageName): string {
  return page === 'overview' ? '/admin/' : `/admin/${page}`;
}

let onNavigate: (page: PageName) => void = () => undefined;

/** The shell registers how to show a page. */
export function setNavigator(fn: (page: PageName) => void): void {
  onNavigate = fn;
}

/** Goes to `page` (a new history entry). */
export function navigate(page: PageName, query = ''): void {
  const url = hrefOf(page) + query;
  if (location.pathname + location.search !== url) history.pushState(null, '', url);
  onNavigate(page);
}

/** The page that edits the config at `path`. */
export function pageForPath(path: string): PageName {
  if (path.startsWith('/server/caddy')) return 'domain';
  if (path.startsWith('/apiKeys')) return 'keys';
  if (path.startsWith('/teams')) return 'teams';
  if (path.startsWith('/server')) return 'settings';
  return 'models';
}
