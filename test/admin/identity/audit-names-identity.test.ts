/**
 * Every audit entry names who acted: the local account as `local:admin`, an admin API token as
 * `token:<id> <name>`, and a refused role check is recorded too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bearer, createToken, OWNER, startIdentityApp } from '../../harness/admin-identity.js';

test('audit entries name the local account and the token that acted', async (t) => {
  const { app } = await startIdentityApp(t);
  const operator = await createToken(app, 'operator');
  const viewer = await createToken(app, 'viewer');
  const revoke = await app.inject({
    method: 'DELETE',
    url: `/admin/api/tokens/${viewer.id}`,
    headers: { authorization: bearer(operator.token) },
  });
  assert.equal(revoke.statusCode, 200);
  const refused = await app.inject({
    method: 'POST',
    url: '/admin/api/reload',
    headers: { authorization: bearer(operator.token) },
  });
  assert.equal(refused.statusCode, 403);
  const audit = await app.inject({ method: 'GET', url: '/admin/api/audit', headers: { authorization: OWNER } });
  const entries = audit.json<{ entries: { actor: string; action: string; target?: string }[] }>().entries.reverse();
  assert.deepEqual(
    entries.map((e) => [e.action, e.actor]),
    [
      ['login', 'local:admin'],
      ['token.create', 'local:admin'],
      ['token.create', 'local:admin'],
      ['token.revoke', `token:${operator.id} operator robot`],
      ['role.refused', `token:${operator.id} operator robot`],
    ],
  );
  assert.equal(entries[4]?.target, 'POST /admin/api/reload');
});
