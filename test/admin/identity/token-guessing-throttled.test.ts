/** Bad admin API tokens count as failed logins: after five, the address gets 429 even with a good token. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, createToken, startIdentityApp } from '../../harness/admin-identity.js';

test('an address sending bad tokens is blocked like one guessing passwords', async (t) => {
  const { app } = await startIdentityApp(t);
  const { token } = await createToken(app, 'viewer');
  const get = (tok: string) =>
    app.inject({ method: 'GET', url: '/admin/api/keys', headers: { authorization: bearer(tok) } });
  for (let i = 0; i < 5; i++) assert.equal((await get(`gwadm_${'0'.repeat(16)}_${'y'.repeat(43)}`)).statusCode, 401);
  const blocked = await get(token);
  assert.equal(blocked.statusCode, 429);
  assert.equal(blocked.headers['retry-after'], '30');
});
