/**
 * Sign-in with a real OpenID provider on loopback: the authorization code flow ends in a session
 * cookie (HttpOnly, Secure, SameSite=Lax) and the role of the account's app role or group; the
 * audit log names the identity; an account with no mapped role is refused in words.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCOUNTS, oidcSettings, OWNER, startIdentityApp } from '../../harness/admin-identity.js';
import { startTestProvider } from '../../harness/oidc-provider.js';
import { INJECT_REDIRECT_URI, sessionCookie, signIn } from '../../harness/oidc-sign-in.js';

test('signing in with the provider gives a session with the mapped role', { timeout: 60_000 }, async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider) });

  const alice = await signIn(app, 'alice');
  assert.equal(alice.callback.statusCode, 302, alice.callback.body);
  assert.equal(alice.callback.headers.location, '/admin/keys');
  const cookie = [alice.callback.headers['set-cookie'] ?? []]
    .flat()
    .find((c) => c.startsWith('__Host-gw-admin-session='));
  assert.match(cookie ?? '', /; Path=\/; Max-Age=28800; HttpOnly; Secure; SameSite=Lax$/);
  const me = await app.inject({
    method: 'GET',
    url: '/admin/api/me',
    headers: { cookie: sessionCookie(alice.session ?? '') },
  });
  assert.equal(me.statusCode, 200);
  assert.deepEqual(me.json(), {
    actor: 'oidc:alice alice@contoso.test (Alice Owner)',
    name: 'Alice Owner',
    kind: 'oidc',
    role: 'owner',
    oidc: true,
    localLogin: true,
    canSignOut: true,
  });

  const oscar = await signIn(app, 'oscar');
  const asOscar = { cookie: sessionCookie(oscar.session ?? '') };
  const role = await app.inject({ method: 'GET', url: '/admin/api/me', headers: asOscar });
  assert.equal(role.json<{ role: string }>().role, 'operator', 'the group maps to operator');
  assert.equal((await app.inject({ method: 'POST', url: '/admin/api/reload', headers: asOscar })).statusCode, 403);

  const nobody = await signIn(app, 'nobody');
  assert.equal(nobody.callback.statusCode, 401);
  assert.equal(nobody.session, undefined);
  assert.match(nobody.callback.body, /nobody@contoso\.test has no role on this gateway/);

  const audit = await app.inject({ method: 'GET', url: '/admin/api/audit', headers: { authorization: OWNER } });
  const entries = audit.json<{ entries: { actor: string; action: string }[] }>().entries.reverse();
  assert.deepEqual(
    entries.slice(0, 4).map((e) => [e.action, e.actor]),
    [
      ['login', 'oidc:alice alice@contoso.test (Alice Owner)'],
      ['login', 'oidc:oscar oscar@contoso.test (Oscar Operator)'],
      ['role.refused', 'oidc:oscar oscar@contoso.test (Oscar Operator)'],
      ['login.failed', '(failed sign-in)'],
    ],
  );
});

test('a page opened without signing in goes to the sign-in page when Entra ID is configured', async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider) });
  const page = await app.inject({ method: 'GET', url: '/admin/keys' });
  assert.equal(page.statusCode, 302);
  assert.equal(page.headers.location, '/admin/login?return=%2Fadmin%2Fkeys');
  const login = await app.inject({ method: 'GET', url: '/admin/login?return=/admin/keys' });
  assert.equal(login.statusCode, 200);
  assert.match(login.body, /href="\/admin\/auth\/oidc\/start\?return=%2Fadmin%2Fkeys">Sign in with Microsoft Entra ID/);
  assert.match(login.body, /Sign in with the local admin account/);
  const zh = await app.inject({ method: 'GET', url: '/admin/login', headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
  assert.match(zh.body, /使用 Microsoft Entra ID 登录/);
  // Another site is never a place to return to.
  const evil = await app.inject({ method: 'GET', url: '/admin/login?return=//evil.example/admin' });
  assert.match(evil.body, /return=%2Fadmin%2F"/);
});
