/**
 * An admin restart keeps Entra ID sign-in sessions: the cookie signed in before it works after it,
 * with the same role; a session logged out before a restart stays ended after it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { ACCOUNTS, oidcSettings, startIdentityApp } from '../../harness/admin-identity.js';
import { restartAdminApp } from '../../harness/admin-app.js';
import { startTestProvider } from '../../harness/oidc-provider.js';
import { INJECT_REDIRECT_URI, sessionCookie, signIn } from '../../harness/oidc-sign-in.js';

function me(app: FastifyInstance, cookie: string) {
  return app.inject({ method: 'GET', url: '/admin/api/me', headers: { cookie } });
}

test('a session outlives an admin restart, a logged-out one does not', { timeout: 60_000 }, async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const first = await startIdentityApp(t, { oidc: oidcSettings(provider) });
  const { session } = await signIn(first.app, 'oscar');
  const cookie = sessionCookie(session ?? '');
  assert.equal((await me(first.app, cookie)).json<{ role: string }>().role, 'operator');

  const second = await restartAdminApp(first);
  const after = await me(second.app, cookie);
  assert.equal(after.statusCode, 200, after.body);
  assert.deepEqual(after.json(), {
    actor: 'oidc:oscar oscar@contoso.test (Oscar Operator)',
    name: 'Oscar Operator',
    kind: 'oidc',
    role: 'operator',
    oidc: true,
    localLogin: true,
    canSignOut: true,
  });
  // The operator's role still holds its limits: an owner's endpoint is refused.
  assert.equal(
    (await second.app.inject({ method: 'POST', url: '/admin/api/reload', headers: { cookie } })).statusCode,
    403,
  );

  const out = await second.app.inject({ method: 'POST', url: '/admin/auth/logout', headers: { cookie } });
  assert.deepEqual(out.json(), { signedOut: true, next: '/admin/login?signedout=1' });
  const third = await restartAdminApp(second);
  const refused = await me(third.app, cookie);
  assert.equal(refused.statusCode, 401);
});
