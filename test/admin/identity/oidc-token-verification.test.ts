/**
 * The ID token is verified by the library, not trusted: a broken signature, another audience or
 * an expired token from the real provider's token endpoint each refuse the sign-in with no
 * session; so does a provider answer that reaches a browser which did not start the sign-in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCOUNTS, oidcSettings, startIdentityApp } from '../../harness/admin-identity.js';
import { startTestProvider, type Tamper } from '../../harness/oidc-provider.js';
import { INJECT_REDIRECT_URI, providerAnswer, signIn } from '../../harness/oidc-sign-in.js';

const CASES: [Tamper, RegExp][] = [
  ['signature', /could not be verified: JWT signature verification failed/],
  ['audience', /could not be verified: unexpected JWT &#34;aud&#34; \(audience\) claim value/],
  ['expired', /could not be verified: unexpected JWT &#34;exp&#34; \(expiration time\) claim value/],
];

test('a tampered, wrong-audience or expired ID token is refused', { timeout: 60_000 }, async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider) });
  for (const [tamper, message] of CASES) {
    provider.tamper = tamper;
    const r = await signIn(app, 'alice');
    assert.equal(r.callback.statusCode, 401, `${tamper}: ${r.callback.body}`);
    assert.equal(r.session, undefined, tamper);
    assert.match(r.callback.body, message, tamper);
  }
  provider.tamper = 'none';
  assert.equal((await signIn(app, 'alice')).callback.statusCode, 302, 'the untouched token is accepted');
});

test(
  'a provider answer delivered to a browser that did not start the sign-in is refused',
  { timeout: 60_000 },
  async (t) => {
    const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
    const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider) });
    const start = await app.inject({ method: 'GET', url: '/admin/auth/oidc/start' });
    const answer = await providerAnswer(String(start.headers.location), 'alice', INJECT_REDIRECT_URI);
    // No sign-in cookie: an attacker's code planted in the victim's browser (login CSRF).
    const r = await app.inject({ method: 'GET', url: `${answer.pathname}${answer.search}` });
    assert.equal(r.statusCode, 401);
    assert.match(r.body, /was not started here/);
  },
);
