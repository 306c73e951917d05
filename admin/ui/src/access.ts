/**
 * Who is signed in and what their role may do, for the whole UI: loaded once from
 * `/admin/api/me` before the first page is drawn. The server refuses anything a role may not do
 * (docs/admin-api.md, "Roles per endpoint"); this only keeps the UI from offering it. `gate`
 * disables a control with the reason, `roleNotice` tells a page's reader that its changes need a
 * higher role.
 */
import { alertBox } from './components/alerts.js';
import { getJson, isRecord } from './api.js';
import { t, type MsgKey } from './i18n.js';
import type { PageName } from './router.js';

/** An admin role, least to most. */
export type Role = 'viewer' | 'operator' | 'owner';
const ROLES: readonly Role[] = ['viewer', 'operator', 'owner'];

/** The signed-in identity as `/admin/api/me` describes it. */
export interface Me {
  name: string;
  kind: string;
  role: Role;
  oidc: boolean;
  localLogin: boolean;
  canSignOut: boolean;
}

let me: Me = { name: '', kind: 'local', role: 'viewer', oidc: false, localLogin: true, canSignOut: false };

/** The least role that changes what each page edits. */
export const PAGE_CHANGES: Partial<Record<PageName, Role>> = {
  models: 'operator',
  keys: 'operator',
  teams: 'operator',
  domain: 'owner',
  settings: 'owner',
  access: 'operator',
};

function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Loads the signed-in identity (a failure leaves the least role: the server decides anyway). */
export async function loadMe(): Promise<Me> {
  try {
    const got = await getJson('/me');
    if (isRecord(got) && isRole(got.role))
      me = {
        name: typeof got.name === 'string' ? got.name : '',
        kind: typeof got.kind === 'string' ? got.kind : 'local',
        role: got.role,
        oidc: got.oidc === true,
        localLogin: got.localLogin !== false,
        canSignOut: got.canSignOut === true,
      };
  } catch {
    // Shown as the least role; each refused action still says why.
  }
  return me;
}

/** The signed-in identity. */
export function currentUser(): Me {
  return me;
}

/** Whether the signed-in role may do what needs `need`. */
export function allowed(need: Role): boolean {
  return ROLES.indexOf(me.role) >= ROLES.indexOf(need);
}

/** The role's name in the UI's language. */
export function roleLabel(role: Role): string {
  return t(`access.role.${role}` as MsgKey);
}

/** `el` disabled, with the reason as its title, unless the role may do what needs `need`. */
export function gate<T extends HTMLElement>(el: T, need: Role): T {
  if (allowed(need)) return el;
  if ('disabled' in el) (el as unknown as HTMLButtonElement).disabled = true;
  el.setAttribute('aria-disabled', 'true');
  el.title = t('access.needs', { role: roleLabel(need) });
  return el;
}

/** A notice that changes on `page` need a role the reader does not have, or null. */
export function roleNotice(page: PageName): HTMLElement | null {
  const need = PAGE_CHANGES[page];
  if (!need || allowed(need)) return null;
  const box = alertBox('info', t('access.readOnly', { role: roleLabel(need), mine: roleLabel(me.role) }));
  box.classList.add('role-notice');
  return box;
}
