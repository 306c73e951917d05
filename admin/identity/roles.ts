/**
 * The admin roles, least to most: viewer reads everything but secrets, operator also changes keys,
 * teams and models, owner changes everything (TLS, domains, upstreams and their credentials, the
 * sign-in settings). docs/admin-identity.md, "Roles".
 */
import { ADMIN_ROLES, type AdminRoleName } from '../../common/config/schema.js';

/** One admin role. */
export type AdminRole = AdminRoleName;

/** Every role, least to most. */
export const ROLES: readonly AdminRole[] = ADMIN_ROLES;

/** True when `value` names a role. */
export function isRole(value: unknown): value is AdminRole {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** True when `have` may do what needs `need`. */
export function atLeast(have: AdminRole, need: AdminRole): boolean {
  return ROLES.indexOf(have) >= ROLES.indexOf(need);
}

/** The most powerful of `roles`, or undefined when there are none. */
export function highestRole(roles: Iterable<AdminRole>): AdminRole | undefined {
  let best: AdminRole | undefined;
  for (const r of roles) if (best === undefined || atLeast(r, best)) best = r;
  return best;
}
