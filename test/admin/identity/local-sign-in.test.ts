/**
 * With Entra ID configured, the sign-in page's "local admin account" link asks for HTTP Basic
 * (the browser's dialog) and then opens the UI; API calls without credentials get a plain 401, so
 * no script's failure pops up a dialog.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCOUNTS, oidcSettings, OWNER, startIdentityApp } from '../../harness/admin-identity.js';
import { startTestProvider } from '../../harness/oidc-provider.js';
import { INJECT_REDIRECT_URI } from '../../harness/oidc-sign-in.js';

test('the local sign-in link challenges for Basic, then opens the UI', async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const { app } = await startIdentityApp(t, { oidc: oidcSettings(provider) });
  const challenged = await app.inject({ method: 'GET', url: '/admin/auth/local?return=/admin/keys' });
  assert.equal(challenged.statusCode, 401);
  assert.equal(challenged.headers['www-authenticate'], 'Basic realm="gateway admin", charset="UTF-8"');
  const signedIn = await app.inject({
    method: 'GET',
    url: '/admin/auth/local?return=/admin/keys',
    headers: { authorization: OWNER },
  });
  assert.equal(signedIn.statusCode, 302);
  assert.equal(signedIn.headers.location, '/admin/keys');
  const api = await app.inject({ method: 'GET', url: '/admin/api/keys' });
  assert.equal(api.statusCode, 401);
  assert.equal(api.headers['www-authenticate'], undefined);
});
