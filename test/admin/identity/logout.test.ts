/** Logging out ends the session on the server: its cookie no longer signs anyone in. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCOUNTS, oidcSettings, OWNER, startIdentityApp } from '../../harness/admin-identity.js';
import { startTestProvider } from '../../harness/oidc-provider.js';
import { INJECT_REDIRECT_URI, sessionCookie, signIn } from '../../harness/oidc-sign-in.js';

test('logout ends the session', { timeout: 60_000 }, async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider) });
  const { session } = await signIn(app, 'vera');
  const cookie = sessionCookie(session ?? '');
  assert.equal((await app.inject({ method: 'GET', url: '/admin/api/keys', headers: { cookie } })).statusCode, 200);
  const out = await app.inject({ method: 'POST', url: '/admin/auth/logout', headers: { cookie } });
  assert.equal(out.statusCode, 200);
  assert.deepEqual(out.json(), { signedOut: true, next: '/admin/login?signedout=1' });
  assert.match(String(out.headers['set-cookie']), /^__Host-gw-admin-session=; Path=\/; Max-Age=0;/);
  const after = await app.inject({ method: 'GET', url: '/admin/api/keys', headers: { cookie } });
  assert.equal(after.statusCode, 401);
  const audit = await app.inject({ method: 'GET', url: '/admin/api/audit?limit=1', headers: { authorization: OWNER } });
  assert.deepEqual(
    audit.json<{ entries: { action: string; actor: string }[] }>().entries.map((e) => [e.action, e.actor]),
    [['logout', 'oidc:vera vera@contoso.test (Vera Viewer)']],
  );
});
