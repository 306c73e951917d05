/**
 * Admin API tokens: `GET /admin/api/tokens` (never the token, with last use), `POST` (name, role no
 * higher than the creator's, expiry required and at most a year; the token is in this answer only),
 * `DELETE /admin/api/tokens/{id}` (revoke; no higher than the revoker's role). A token cannot make
 * tokens: whoever holds one could otherwise keep access after it is revoked.
 */
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../context.js';
import {
  InteractiveSignInError,
  InvalidRequestError,
  RoleRefusedError,
  TokenNotFoundError,
  withBody,
} from '../errors.js';
import { isRecord } from '../http-call.js';
import { MAX_TOKEN_DAYS, newToken, tokenStatus } from '../identity/admin-tokens.js';
import type { StoredToken } from '../identity/identity-store.js';
import { atLeast, isRole, type AdminRole } from '../identity/roles.js';

const DAY_MS = 24 * 60 * 60_000;
const NAME = /^[\p{L}\p{N} ._:@/()-]{1,64}$/u;

function listed(t: StoredToken): Record<string, unknown> {
  const { hash: _hash, ...rest } = t;
  return { ...rest, status: tokenStatus(t) };
}

function parseNewToken(body: unknown, creator: AdminRole): { name: string; role: AdminRole; expiresAt: Date } {
  const b = isRecord(body) ? body : {};
  const issues: { path: string; message: string }[] = [];
  const name = typeof b.name === 'string' ? b.name.trim() : '';
  if (!NAME.test(name))
    issues.push({ path: '/name', message: 'is required: 1 to 64 letters, digits, spaces or . _ : @ / ( ) -' });
  if (!isRole(b.role)) issues.push({ path: '/role', message: 'must be viewer, operator or owner' });
  else if (!atLeast(creator, b.role))
    issues.push({
      path: '/role',
      message: `is higher than your own role (${creator}); a token can have at most yours`,
    });
  const expiresAt = typeof b.expiresAt === 'string' ? new Date(b.expiresAt) : undefined;
  if (!expiresAt || Number.isNaN(expiresAt.getTime()))
    issues.push({ path: '/expiresAt', message: 'is required: the date and time the token stops working' });
  else if (expiresAt.getTime() <= Date.now()) issues.push({ path: '/expiresAt', message: 'is in the past' });
  else if (expiresAt.getTime() > Date.now() + MAX_TOKEN_DAYS * DAY_MS)
    issues.push({
      path: '/expiresAt',
      message: `is more than ${MAX_TOKEN_DAYS} days away; tokens live a year at most`,
    });
  if (issues.length || !expiresAt || !isRole(b.role))
    throw withBody(new InvalidRequestError('The token cannot be created; see issues.'), { issues });
  return { name, role: b.role, expiresAt };
}

/** Registers the token routes. */
export function registerTokenRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/api/tokens', async (_req, reply) => {
    const tokens = await ctx.identity.tokens();
    return reply.header('cache-control', 'no-store').send({ data: tokens.map(listed).reverse() });
  });

  app.post('/admin/api/tokens', async (req, reply) => {
    const who = req.principal;
    if (!who) throw new RoleRefusedError('Sign in to create admin API tokens.');
    if (who.kind === 'token')
      throw new InteractiveSignInError('An admin API token cannot create tokens: sign in to the admin UI to make one.');
    const fields = parseNewToken(req.body, who.role);
    const { token, record } = newToken(fields.name, fields.role, fields.expiresAt, who.actor);
    await ctx.identity.addToken(record);
    req.auditDetails = { tokenId: record.id, name: record.name, role: record.role, expiresAt: record.expiresAt };
    ctx.log.info({ tokenId: record.id, role: record.role }, 'admin API token created');
    return reply
      .code(201)
      .header('cache-control', 'no-store')
      .send({ ...listed(record), token });
  });

  app.delete<{ Params: { id: string } }>('/admin/api/tokens/:id', async (req) => {
    const t = await ctx.identity.token(req.params.id);
    if (!t) throw new TokenNotFoundError(req.params.id);
    const who = req.principal;
    if (!who || !atLeast(who.role, t.role))
      throw new RoleRefusedError(`Token "${t.name}" has the ${t.role} role, higher than yours; an owner revokes it.`);
    await ctx.identity.revokeToken(t.id, who.actor);
    req.auditDetails = { tokenId: t.id, name: t.name };
    return listed((await ctx.identity.token(t.id)) ?? t);
  });
}
