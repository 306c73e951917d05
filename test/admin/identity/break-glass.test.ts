/**
 * The local admin account is the break-glass login: it cannot be turned off before an owner has
 * signed in with Entra ID (refused in words), and once off, HTTP Basic is refused while Entra ID
 * sign-in and tokens keep working.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCOUNTS, oidcSettings, OWNER, startIdentityApp } from '../../harness/admin-identity.js';
import { startTestProvider } from '../../harness/oidc-provider.js';
import { INJECT_REDIRECT_URI, signIn } from '../../harness/oidc-sign-in.js';

type Refusal = { error: { code: string; message: string }; issues: { path: string; message: string }[] };

test(
  'turning the local login off is refused until an owner has signed in with Entra ID',
  { timeout: 60_000 },
  async (t) => {
    const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
    const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider) });
    const off = () =>
      app.inject({
        method: 'PUT',
        url: '/admin/api/identity',
        headers: { authorization: OWNER },
        payload: { localLogin: false },
      });
    const refused = await off();
    assert.equal(refused.statusCode, 400, refused.body);
    assert.deepEqual(refused.json<Refusal>().issues, [
      {
        path: '/server/adminAuth/localLogin',
        message: `can be turned off only after an owner has signed in with Entra ID (${provider.issuer}), so a wrong app registration or role mapping cannot lock everyone out`,
      },
    ]);
    await signIn(app, 'vera');
    assert.equal((await off()).statusCode, 400, 'a viewer signing in is not enough');
    await signIn(app, 'alice');
    // Past the check, the save goes on to the apply (no Caddy in this test: that step fails).
    assert.equal((await off()).json<Refusal>().error.code, 'apply_failed');
  },
);

test('with the local login off, HTTP Basic is refused in words', async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider), localLogin: false });
  const r = await app.inject({ method: 'GET', url: '/admin/api/keys', headers: { authorization: OWNER } });
  assert.equal(r.statusCode, 401);
  assert.equal(
    r.json<Refusal>().error.message,
    'The local admin account is turned off: sign in with Entra ID, or use an admin API token.',
  );
  assert.equal(r.headers['www-authenticate'], undefined, 'no Basic prompt');
  const page = await app.inject({ method: 'GET', url: '/admin/login' });
  assert.doesNotMatch(page.body, /local admin account/);
  assert.equal((await signIn(app, 'alice')).callback.statusCode, 302);
});

test('the local login cannot be turned off without Entra ID sign-in configured', async (t) => {
  const { app } = await startIdentityApp(t);
  const r = await app.inject({
    method: 'PUT',
    url: '/admin/api/identity',
    headers: { authorization: OWNER },
    payload: { localLogin: false },
  });
  assert.equal(r.statusCode, 400);
  assert.deepEqual(
    r.json<Refusal>().issues.map((i) => i.message),
    ['can be turned off only when Entra ID sign-in is configured, or nobody could sign in'],
  );
});
