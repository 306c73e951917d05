/**
 * Admin API tokens: created once-shown with a required expiry of at most a year and a role no
 * higher than the creator's, stored only as a hash, used with `Authorization: Bearer` (last use
 * listed), refused once revoked, and a token cannot make tokens.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { bearer, createToken, inDays, OWNER, startIdentityApp } from '../../harness/admin-identity.js';

type Issues = { error: { code: string; message: string }; issues?: { path: string; message: string }[] };

test('a token is shown once, stored hashed, works as Bearer, and stops working when revoked', async (t) => {
  const { app, dir } = await startIdentityApp(t);
  const { id, token } = await createToken(app, 'operator');
  assert.match(token, /^gwadm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const disk = await readFile(path.join(dir, 'admin-identity.json'), 'utf8');
  assert.ok(!disk.includes(token.slice(24)), 'the token is not stored');
  assert.match(disk, /"hash": "[0-9a-f]{64}"/);

  const used = await app.inject({ method: 'GET', url: '/admin/api/keys', headers: { authorization: bearer(token) } });
  assert.equal(used.statusCode, 200);
  const list = await app.inject({ method: 'GET', url: '/admin/api/tokens', headers: { authorization: OWNER } });
  const listed = list.json<{ data: Record<string, unknown>[] }>().data;
  assert.equal(listed.length, 1);
  assert.equal(listed[0]?.status, 'active');
  assert.equal(typeof listed[0]?.lastUsedAt, 'string');
  assert.ok(!list.body.includes(token) && !('hash' in (listed[0] ?? {})), 'neither token nor hash is listed');

  const revoked = await app.inject({
    method: 'DELETE',
    url: `/admin/api/tokens/${id}`,
    headers: { authorization: OWNER },
  });
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.equal(revoked.json<{ status: string }>().status, 'revoked');
  const after = await app.inject({ method: 'GET', url: '/admin/api/keys', headers: { authorization: bearer(token) } });
  assert.equal(after.statusCode, 401);
  assert.match(after.json<Issues>().error.message, /was revoked/);
  const tampered = await app.inject({
    method: 'GET',
    url: '/admin/api/keys',
    headers: { authorization: bearer(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`) },
  });
  assert.equal(tampered.statusCode, 401);
});

test('a token needs a name, a role no higher than yours and an expiry within a year', async (t) => {
  const { app } = await startIdentityApp(t);
  const post = (authorization: string, payload: unknown) =>
    app.inject({ method: 'POST', url: '/admin/api/tokens', headers: { authorization }, payload: payload as object });
  const noExpiry = await post(OWNER, { name: 'ci', role: 'viewer' });
  assert.equal(noExpiry.statusCode, 400);
  assert.deepEqual(
    noExpiry.json<Issues>().issues?.map((i) => i.path),
    ['/expiresAt'],
  );
  const tooLong = await post(OWNER, { name: 'ci', role: 'viewer', expiresAt: inDays(400) });
  assert.match(tooLong.json<Issues>().issues?.[0]?.message ?? '', /a year at most/);
  const past = await post(OWNER, { name: 'ci', role: 'viewer', expiresAt: inDays(-1) });
  assert.equal(past.json<Issues>().issues?.[0]?.message, 'is in the past');

  const operator = await createToken(app, 'operator');
  // Tokens cannot make tokens (that would outlive a revocation).
  const byToken = await post(bearer(operator.token), { name: 'x', role: 'viewer', expiresAt: inDays(1) });
  assert.equal(byToken.statusCode, 403);
  assert.match(byToken.json<Issues>().error.message, /cannot create tokens/);
  // An owner's token cannot be revoked by an operator.
  const owner = await createToken(app, 'owner');
  const revoke = await app.inject({
    method: 'DELETE',
    url: `/admin/api/tokens/${owner.id}`,
    headers: { authorization: bearer(operator.token) },
  });
  assert.equal(revoke.statusCode, 403);
  assert.match(revoke.json<Issues>().error.message, /higher than yours/);
});
