/**
 * Admin login with HTTP Basic: against a scrypt hash, against the original project's plaintext
 * password until a save hashes it, and never with a default password when none is set.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../../common/password-hash.js';
import { basic } from '../harness/admin-stack.js';
import { getKeys as get, startAdminApp } from '../harness/admin-app.js';

const PASSWORD = 'pw-for-auth-tests-0123';

test('HTTP Basic login against a scrypt hash', async (t) => {
  const { app } = await startAdminApp(t, {
    enabled: true,
    username: 'ops',
    passwordHash: await hashPassword(PASSWORD),
  });
  const none = await get(app);
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers['www-authenticate'], 'Basic realm="gateway admin", charset="UTF-8"');
  assert.equal(none.json<{ error: { code: string } }>().error.code, 'authentication_required');
  assert.equal((await get(app, { authorization: basic('ops', PASSWORD) })).statusCode, 200);
  assert.equal((await get(app, { authorization: basic('admin', PASSWORD) })).statusCode, 401, 'the user name matters');
});

test('the original plaintext password still works until a save hashes it', async (t) => {
  const { app } = await startAdminApp(t, { enabled: true, username: 'admin', password: PASSWORD });
  assert.equal((await get(app, { authorization: basic('admin', PASSWORD) })).statusCode, 200);
  assert.equal((await get(app, { authorization: basic('admin', 'admin') })).statusCode, 401);
});

test('enabled admin auth with no password refuses everyone and says to run init', async (t) => {
  const { app, logs } = await startAdminApp(t, { enabled: true, username: 'admin' });
  for (const authorization of [basic('admin', ''), basic('admin', 'admin'), basic('admin', 'change-me')]) {
    const r = await get(app, { authorization });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json<{ error: { code: string } }>().error.code, 'admin_password_not_set');
  }
  assert.match(logs.join(''), /first-run\.txt/);
});
