/**
 * The signed-in identity and the sign-in settings: `GET /admin/api/me` (who, which role, how to
 * sign out), `GET /admin/api/identity` (Entra ID settings with the secret masked, the redirect URI
 * to register, whether an owner has signed in with Entra ID) and `PUT /admin/api/identity` (owner:
 * `{localLogin, oidc}`, validated like a whole config, applied through the same transaction).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { maskedConfigDiff } from '../audit/masked-diff.js';
import { invalidConfig, unmaskIncoming } from '../config/edit.js';
import { readStored, saveEdited } from '../config/saves.js';
import { maskSecrets } from '../config/secrets.js';
import type { AdminContext } from '../context.js';
import { isRecord } from '../http-call.js';
import { breakGlassIssues } from '../identity/break-glass.js';
import { sendSaved } from './config.js';

/** Where the identity provider sends the browser back to. */
export const CALLBACK_PATH = '/admin/auth/oidc/callback';

function firstHeader(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s?.split(',')[0]?.trim() || undefined;
}

/** The redirect URI for the address the browser used (Caddy passes the scheme and host on). */
export function redirectUriOf(req: FastifyRequest): string {
  const host = firstHeader(req.headers['x-forwarded-host']) ?? firstHeader(req.headers.host) ?? 'localhost';
  // Normalised (a default port dropped) so it reads exactly as the provider will send it back.
  return new URL(`${req.protocol}://${host}${CALLBACK_PATH}`).href;
}

function adminAuthOfRaw(raw: unknown): Record<string, unknown> {
  const server = isRecord(raw) && isRecord(raw.server) ? raw.server : {};
  return isRecord(server.adminAuth) ? server.adminAuth : {};
}

/** Registers the identity routes. */
export function registerIdentityRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/api/me', async (req, reply) => {
    const stored = await readStored(ctx.store);
    const a = adminAuthOfRaw(stored.raw);
    const p = req.principal;
    return reply.header('cache-control', 'no-store').send({
      actor: p?.actor ?? null,
      name: p?.display ?? null,
      kind: p?.kind ?? null,
      role: p?.role ?? null,
      oidc: isRecord(a.oidc),
      localLogin: a.localLogin !== false,
      // A Basic login cannot be ended by the server: the browser keeps sending it until closed.
      canSignOut: p?.kind === 'oidc',
    });
  });

  app.get('/admin/api/identity', async (req, reply) => {
    const stored = await readStored(ctx.store);
    const a = adminAuthOfRaw(maskSecrets(stored.raw));
    const issuer = isRecord(a.oidc) && typeof a.oidc.issuer === 'string' ? a.oidc.issuer : undefined;
    return reply
      .header('etag', stored.etag)
      .header('cache-control', 'no-store')
      .send({
        localLogin: a.localLogin !== false,
        oidc: isRecord(a.oidc) ? a.oidc : null,
        redirectUri: redirectUriOf(req),
        ownerSignedIn: issuer !== undefined && (await ctx.identity.ownerIssuers()).has(issuer),
      });
  });

  app.put('/admin/api/identity', async (req, reply) => {
    const body = isRecord(req.body) ? req.body : {};
    const ownerIssuers = await ctx.identity.ownerIssuers();
    const edit = (storedRaw: unknown): unknown => {
      // The rest of the config as stored, masked, so unmaskIncoming treats it like a PUT of the
      // whole config (a masked client secret keeps its value only while the issuer stays the same).
      const next = maskSecrets(structuredClone(isRecord(storedRaw) ? storedRaw : {}));
      const server = isRecord(next.server) ? next.server : {};
      const adminAuth = isRecord(server.adminAuth) ? server.adminAuth : {};
      if ('localLogin' in body) adminAuth.localLogin = body.localLogin;
      if (body.oidc === null) delete adminAuth.oidc;
      else if ('oidc' in body) adminAuth.oidc = body.oidc;
      next.server = { ...server, adminAuth };
      const unmasked = unmaskIncoming(next, storedRaw);
      const glass = breakGlassIssues(storedRaw, unmasked, ownerIssuers);
      if (glass.length) invalidConfig(glass, 'The local admin account cannot be turned off yet; see issues.');
      return unmasked;
    };
    const ifMatch = req.headers['if-match'];
    const result = await saveEdited(ctx.applier, ctx.store, edit, {
      ifMatch: Array.isArray(ifMatch) ? ifMatch.join(', ') : ifMatch,
      requireIfMatch: false,
      onApplied: (before, after) => {
        req.auditChanges = maskedConfigDiff(before, after);
      },
    });
    return sendSaved(reply, result);
  });
}
