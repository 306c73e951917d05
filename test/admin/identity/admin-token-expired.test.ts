/** An admin API token past its expiry is refused with a message that says so. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { bearer, startIdentityApp } from '../../harness/admin-identity.js';

test('an expired token is refused as expired', async (t) => {
  const { app, dir } = await startIdentityApp(t);
  const token = `gwadm_00112233445566aa_${'x'.repeat(43)}`;
  const record = {
    id: '00112233445566aa',
    name: 'old ci',
    role: 'owner',
    hash: createHash('sha256').update(token).digest('hex'),
    createdBy: 'local:admin',
    createdAt: '2020-01-01T00:00:00.000Z',
    expiresAt: '2020-02-01T00:00:00.000Z',
  };
  await writeFile(path.join(dir, 'admin-identity.json'), JSON.stringify({ tokens: [record], ownerSignIns: [] }));
  const r = await app.inject({ method: 'GET', url: '/admin/api/keys', headers: { authorization: bearer(token) } });
  assert.equal(r.statusCode, 401);
  assert.equal(
    r.json<{ error: { message: string } }>().error.message,
    'The admin API token "old ci" expired at 2020-02-01T00:00:00.000Z; create a new one.',
  );
});
