/**
 * The sign-in steps (docs/admin-identity.md): `GET /admin/login` (the page), `GET
 * /admin/auth/oidc/start` (to Entra ID with PKCE, state and nonce), `GET /admin/auth/oidc/callback`
 * (code exchanged, ID token verified, session cookie set), `GET /admin/auth/local` (the Basic
 * challenge of the break-glass account, then the UI) and `POST /admin/auth/logout`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminAuthSettings } from '../auth/admin-auth.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { IdentityStore } from '../identity/identity-store.js';
import { OidcLogin, SignInRefused } from '../identity/oidc-login.js';
import { cookieValue, SESSION_COOKIE, setCookie, SIGN_IN_COOKIE, type Sessions } from '../identity/sessions.js';
import { redirectUriOf } from './identity.js';
import { pageLanguage, SIGN_IN_CSS, signInPage } from './sign-in-page.js';

/** What the sign-in routes need. */
export interface SignInDeps {
  settings: () => Promise<AdminAuthSettings>;
  sessions: Sessions;
  identity: IdentityStore;
  audit: AuditLog;
}

const SESSION_MAX_AGE_S = 8 * 60 * 60;
const SIGN_IN_MAX_AGE_S = 10 * 60;
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** `value` when it is a path of the admin UI (never another site, `//host` or `/\host`, nor a line break), else /admin/. */
export function safeReturn(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[^\\\s]*)?$/.test(value) && !value.startsWith('//')
    ? value
    : '/admin/';
}

/** Registers the sign-in routes. */
export function registerSignInRoutes(app: FastifyInstance, deps: SignInDeps): void {
  const oidc = new OidcLogin();

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    extra: { error?: string; signedOut?: boolean; returnTo?: string } = {},
  ): Promise<FastifyReply> => {
    const s = await deps.settings();
    const q = req.query as Record<string, unknown>;
    return reply
      .code(status)
      .headers(PAGE_HEADERS)
      .type('text/html; charset=utf-8')
      .send(
        signInPage({
          lang: pageLanguage(req.headers['accept-language']),
          oidc: s.oidc !== undefined,
          localLogin: s.localLogin,
          returnTo: extra.returnTo ?? safeReturn(q.return),
          ...extra,
        }),
      );
  };

  app.get('/admin/login', (req, reply) =>
    page(req, reply, 200, { signedOut: (req.query as Record<string, unknown>).signedout === '1' }),
  );
  app.get('/admin/login.css', (_req, reply) =>
    reply
      .headers({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' })
      .type('text/css; charset=utf-8')
      .send(SIGN_IN_CSS),
  );

  app.get<{ Querystring: { return?: string } }>('/admin/auth/oidc/start', async (req, reply) => {
    const s = await deps.settings();
    if (!s.oidc) return page(req, reply, 404, { error: 'Entra ID sign-in is not configured.' });
    let started;
    try {
      started = await oidc.start(s.oidc, redirectUriOf(req), safeReturn(req.query.return));
    } catch (err) {
      req.log.error({ err: (err as Error).message, issuer: s.oidc.issuer }, 'OpenID Connect discovery failed');
      return page(req, reply, 502, {
        error: `The identity provider (${s.oidc.issuer}) could not be reached: ${(err as Error).message}`,
      });
    }
    return reply
      .header('set-cookie', setCookie(SIGN_IN_COOKIE, started.id, SIGN_IN_MAX_AGE_S))
      .header('cache-control', 'no-store')
      .redirect(started.url, 302);
  });

  app.get('/admin/auth/oidc/callback', async (req, reply) => {
    const s = await deps.settings();
    void reply.header('set-cookie', setCookie(SIGN_IN_COOKIE, '', 0));
    if (!s.oidc) return page(req, reply, 404, { error: 'Entra ID sign-in is not configured.' });
    const url = new URL(req.url, 'http://callback.invalid');
    try {
      const done = await oidc.finish(s.oidc, cookieValue(req.headers.cookie, SIGN_IN_COOKIE), url);
      const id = await deps.sessions.create(done.principal, s.oidc);
      if (done.principal.role === 'owner') await deps.identity.recordOwnerSignIn(done.issuer, done.subject);
      req.adminUser = done.principal.actor;
      await deps.audit.append({
        actor: done.principal.actor,
        ip: req.ip,
        action: 'login',
        outcome: 302,
        details: { role: done.principal.role, via: 'oidc' },
      });
      return reply
        .header('set-cookie', [setCookie(SIGN_IN_COOKIE, '', 0), setCookie(SESSION_COOKIE, id, SESSION_MAX_AGE_S)])
        .header('cache-control', 'no-store')
        .redirect(done.returnTo, 302);
    } catch (err) {
      if (!(err instanceof SignInRefused)) throw err;
      req.log.warn({ ip: req.ip, reason: err.message }, 'admin sign-in with Entra ID refused');
      await deps.audit.append({
        actor: '(failed sign-in)',
        ip: req.ip,
        action: 'login.failed',
        outcome: 401,
        details: { via: 'oidc', reason: err.message },
      });
      return page(req, reply, 401, { error: err.message });
    }
  });

  app.get<{ Querystring: { return?: string } }>('/admin/auth/local', (req, reply) =>
    reply.redirect(safeReturn(req.query.return), 302),
  );

  app.post('/admin/auth/logout', async (req, reply) => {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    const who = await deps.sessions.get(id, (await deps.settings()).oidc);
    // The answer waits until the sessions file no longer holds it, so a restart cannot bring it back.
    await deps.sessions.end(id);
    if (who) {
      req.adminUser = who.actor;
      await deps.audit.append({ actor: who.actor, ip: req.ip, action: 'logout', outcome: 200 });
    }
    return reply
      .header('set-cookie', setCookie(SESSION_COOKIE, '', 0))
      .header('cache-control', 'no-store')
      .send({ signedOut: who !== undefined, next: '/admin/login?signedout=1' });
  });
}
