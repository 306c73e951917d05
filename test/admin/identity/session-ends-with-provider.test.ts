/**
 * Turning Entra ID sign-in off, or pointing it at another app registration, ends the sessions it
 * gave, those not used meanwhile too, and across an admin restart: putting the old settings back
 * does not bring them back.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ACCOUNTS, oidcSettings, OWNER, startIdentityApp } from '../../harness/admin-identity.js';
import { getKeys, restartAdminApp } from '../../harness/admin-app.js';
import { startTestProvider } from '../../harness/oidc-provider.js';
import { INJECT_REDIRECT_URI, sessionCookie, signIn } from '../../harness/oidc-sign-in.js';

interface Config {
  server: { adminAuth: { oidc?: Record<string, unknown> } };
}

test('a change of identity provider ends sessions, across restarts', { timeout: 60_000 }, async (t) => {
  const provider = await startTestProvider(t, [INJECT_REDIRECT_URI], ACCOUNTS);
  const first = await startIdentityApp(t, { oidc: oidcSettings(provider) });
  const file = path.join(first.dir, 'config.json');
  const original = await readFile(file, 'utf8');
  const edit = async (change: (c: Config) => void) => {
    const config = JSON.parse(original) as Config;
    change(config);
    await writeFile(file, JSON.stringify(config));
  };

  // Another client id (the same issuer): a session used meanwhile is refused, one not used is ended
  // all the same; neither comes back with the old settings.
  const vera = sessionCookie((await signIn(first.app, 'vera')).session ?? '');
  const oscar = sessionCookie((await signIn(first.app, 'oscar')).session ?? '');
  assert.equal((await getKeys(first.app, { cookie: vera })).statusCode, 200);
  assert.equal((await getKeys(first.app, { cookie: oscar })).statusCode, 200);
  await edit((c) => (c.server.adminAuth.oidc = { ...c.server.adminAuth.oidc, clientId: 'another-app' }));
  assert.equal((await getKeys(first.app, { cookie: vera })).statusCode, 401);
  await writeFile(file, original);
  assert.equal((await getKeys(first.app, { cookie: vera })).statusCode, 401);
  assert.equal((await getKeys(first.app, { cookie: oscar })).statusCode, 401);

  // Sign-in turned off while the admin was down: the session (unused meanwhile) is ended at start, for good.
  const alice = sessionCookie((await signIn(first.app, 'alice')).session ?? '');
  assert.equal((await getKeys(first.app, { cookie: alice })).statusCode, 200);
  await first.app.close();
  await edit((c) => delete c.server.adminAuth.oidc);
  const second = await restartAdminApp(first);
  assert.equal((await getKeys(second.app, { authorization: OWNER })).statusCode, 200);
  await writeFile(file, original);
  const third = await restartAdminApp(second);
  assert.equal((await getKeys(third.app, { cookie: alice })).statusCode, 401);
});
