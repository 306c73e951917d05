/**
 * Who is calling, and may they: every admin request is authenticated by an admin API token
 * (`Authorization: Bearer`), an Entra ID sign-in session (cookie), or the local account (HTTP
 * Basic, while break-glass login is on), and then held against the least role its endpoint needs
 * (endpoint-roles.ts). A browser that opens a page without signing in is sent to the sign-in page
 * when Entra ID is configured, else gets the Basic challenge as before.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { basicCredentials, type AdminAuthenticator, type AdminAuthSettings } from '../auth/admin-auth.js';
import { LoginThrottledError, RoleRefusedError, SignInRequiredError, withBody } from '../errors.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { bearerToken, principalOfToken } from './admin-tokens.js';
import { endpointNeed } from './endpoint-roles.js';
import type { IdentityStore } from './identity-store.js';
import type { Principal } from './principal.js';
import { atLeast } from './roles.js';
import { cookieValue, SESSION_COOKIE, type Sessions } from './sessions.js';

/** The sign-in page of the UI. */
export const SIGN_IN_PAGE = '/admin/login';
const PAGE_ROUTES = new Set(['/admin', '/admin/*']);
const LOCAL_SIGN_IN = '/admin/auth/local';
const LOCAL_OFF = 'The local admin account is turned off: sign in with Entra ID, or use an admin API token.';

/** What the guard needs. */
export interface GuardDeps {
  settings: () => Promise<AdminAuthSettings>;
  basic: AdminAuthenticator;
  sessions: Sessions;
  store: IdentityStore;
  /** The failed-login bookkeeping the local login uses: refused tokens count in it too. */
  throttle: LoginThrottle;
}

function throttled(retryMs: number): Error {
  const seconds = String(Math.ceil(retryMs / 1000));
  return withBody(new LoginThrottledError(seconds), {}, { 'retry-after': seconds });
}

/** The principal of `req`, or throws the 401 for it (or answers a redirect to the sign-in page). */
async function authenticate(
  deps: GuardDeps,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<Principal | 'redirected'> {
  const s = await deps.settings();
  if (!s.enabled) {
    await deps.basic.check(req);
    return { kind: 'loopback', actor: 'local (admin auth disabled)', role: 'owner', display: 'local' };
  }
  const token = bearerToken(req.headers.authorization);
  if (token !== undefined) {
    // An address that keeps sending bad tokens is blocked like one that guesses passwords.
    const wait = deps.throttle.retryAfterMs(req.ip);
    if (wait > 0) throw throttled(wait);
    const result = await principalOfToken(deps.store, token);
    if ('refused' in result) {
      const attempt = deps.throttle.begin(req.ip);
      if ('retryAfterMs' in attempt) throw throttled(attempt.retryAfterMs);
      attempt.failed();
      throw new SignInRequiredError(result.refused);
    }
    return result.principal;
  }
  const session = await deps.sessions.get(cookieValue(req.headers.cookie, SESSION_COOKIE), s.oidc);
  if (session) return session;
  if (basicCredentials(req.headers.authorization) && !s.localLogin)
    throw new SignInRequiredError(
      'The local admin account is turned off: sign in with Entra ID, or use an admin API token.',
    );
  if (s.oidc) {
    const route = req.routeOptions.url ?? '';
    // The sign-in page's "local admin account" link: answered with the Basic challenge (while allowed).
    const wantsLocal = route === LOCAL_SIGN_IN;
    if (!req.headers.authorization && !wantsLocal) {
      if (req.method === 'GET' && PAGE_ROUTES.has(route)) {
        await reply.redirect(`${SIGN_IN_PAGE}?return=${encodeURIComponent(req.url)}`, 302);
        return 'redirected';
      }
      // No Basic challenge here: a script's 401 must not make a browser pop up its login dialog.
      throw new SignInRequiredError(
        `Sign in at ${SIGN_IN_PAGE}, or send an admin API token (Authorization: Bearer).${s.localLogin ? ' The local admin account signs in with HTTP Basic.' : ''}`,
      );
    }
    if (!s.localLogin) throw new SignInRequiredError(LOCAL_OFF);
  }
  const user = (await deps.basic.check(req)) ?? s.username;
  return { kind: 'local', actor: `local:${user}`, role: 'owner', display: user };
}

/** The onRequest step: authenticates `req` (sets `req.principal`) and refuses what its role may not do. */
export async function guardRequest(deps: GuardDeps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const route = req.routeOptions.url;
  const need = endpointNeed(req.method, route);
  if (need === 'public') return;
  const principal = await authenticate(deps, req, reply);
  if (principal === 'redirected') return;
  req.principal = principal;
  req.adminUser = principal.actor;
  // No route matched: the 404 answers (to a signed-in caller only).
  if (route === undefined) return;
  if (need === undefined)
    throw new RoleRefusedError(`${req.method} ${route} is not in the admin's endpoint table, so no role may call it.`);
  if (!atLeast(principal.role, need))
    throw new RoleRefusedError(
      `This needs the ${need} role; you (${principal.display}) are ${principal.role === 'viewer' ? 'a' : 'an'} ${principal.role}.`,
    );
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request (undefined on the sign-in steps). */
    principal?: Principal;
  }
}
