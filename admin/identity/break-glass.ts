/**
 * Turning the local admin account off is allowed only when nobody is locked out by it: Entra ID
 * sign-in is configured and an owner has already signed in with that issuer (so the app
 * registration, the redirect URI and the role mapping are known to work). docs/admin-identity.md,
 * "Break-glass".
 */
import type { ConfigIssue } from '../../common/config/errors.js';
import { isRecord } from '../http-call.js';

function adminAuth(raw: unknown): Record<string, unknown> {
  const server = isRecord(raw) && isRecord(raw.server) ? raw.server : {};
  return isRecord(server.adminAuth) ? server.adminAuth : {};
}

/** Why `next` may not turn the local login off, as issues; empty when it may (or does not). */
export function breakGlassIssues(stored: unknown, next: unknown, ownerIssuers: Set<string>): ConfigIssue[] {
  const a = adminAuth(next);
  if (a.localLogin !== false) return [];
  // Already off (and the issuer unchanged): saving something else is not turning it off.
  const before = adminAuth(stored);
  if (before.localLogin === false && JSON.stringify(before.oidc) === JSON.stringify(a.oidc)) return [];
  const oidc = isRecord(a.oidc) ? a.oidc : undefined;
  const path = '/server/adminAuth/localLogin';
  if (!oidc || typeof oidc.issuer !== 'string')
    return [{ path, message: 'can be turned off only when Entra ID sign-in is configured, or nobody could sign in' }];
  if (!ownerIssuers.has(oidc.issuer))
    return [
      {
        path,
        message: `can be turned off only after an owner has signed in with Entra ID (${oidc.issuer}), so a wrong app registration or role mapping cannot lock everyone out`,
      },
    ];
  return [];
}
