/**
 * The admin app alone (admin-app.ts) with a local owner login, and admin API tokens of each role
 * made through the API, for the role and token tests.
 */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { hashPassword } from '../../common/password-hash.js';
import type { AdminRole } from '../../admin/identity/roles.js';
import { startAdminAppWith, type AdminApp } from './admin-app.js';
import { basic } from './admin-stack.js';

/** The local owner's password in these tests. */
export const OWNER_PASSWORD = 'owner-pw-for-identity-tests';
/** The local owner's Basic header. */
export const OWNER = basic('admin', OWNER_PASSWORD);

/** A config for the admin app with the local account and `adminAuth` extras (e.g. oidc). */
export async function identityConfig(adminAuth: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  return {
    server: {
      adminAuth: { enabled: true, username: 'admin', passwordHash: await hashPassword(OWNER_PASSWORD), ...adminAuth },
      healthKey: 'health-key-0123456789abcdef',
    },
  };
}

/** The admin app with the local owner account. */
export async function startIdentityApp(t: TestContext, adminAuth: Record<string, unknown> = {}): Promise<AdminApp> {
  return startAdminAppWith(t, await identityConfig(adminAuth));
}

/** A year from now minus a day, as ISO text. */
export function inDays(days: number): string {
  return new Date(Date.now() + days * 24 * 60 * 60_000).toISOString();
}

/** Creates a token of `role` as `as` (default the local owner); returns its id and the token. */
export async function createToken(
  app: FastifyInstance,
  role: AdminRole,
  as = OWNER,
  expiresAt = inDays(30),
): Promise<{ id: string; token: string }> {
  const r = await app.inject({
    method: 'POST',
    url: '/admin/api/tokens',
    headers: { authorization: as },
    payload: { name: `${role} robot`, role, expiresAt },
  });
  assert.equal(r.statusCode, 201, r.body);
  return r.json<{ id: string; token: string }>();
}

/** `Bearer <token>`. */
export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/** The accounts of the test provider: one per role (by app role or group), and one with none. */
export const ACCOUNTS = {
  alice: { email: 'alice@contoso.test', name: 'Alice Owner', roles: ['Gateway.Owner'] },
  oscar: { email: 'oscar@contoso.test', name: 'Oscar Operator', groups: ['0c1d-operators'] },
  vera: { email: 'vera@contoso.test', name: 'Vera Viewer', roles: ['Gateway.Viewer'] },
  nobody: { email: 'nobody@contoso.test', name: 'No Role' },
};

/** `server.adminAuth.oidc` for `provider`: the default app roles plus a group for operators. */
export function oidcSettings(provider: {
  issuer: string;
  clientId: string;
  clientSecret: string;
}): Record<string, unknown> {
  return {
    issuer: provider.issuer,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    roles: [
      { claim: 'roles', value: 'Gateway.Owner', role: 'owner' },
      { claim: 'groups', value: '0c1d-operators', role: 'operator' },
      { claim: 'roles', value: 'Gateway.Viewer', role: 'viewer' },
    ],
  };
}
