/**
 * Client keys through the admin API with a real Caddy and proxy: a created key is shown once and
 * works at once, only its hash is stored or listed, and revoking it makes it a 401.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';

type Json = Record<string, unknown>;

test(
  'a created key works once shown, only its hash is stored, and revoking it gives 401',
  { timeout: 60_000 },
  async (t) => {
    const stack = await startAdminStack(t, { caddy: true });
    const r = await stack.api('POST', '/admin/api/keys', { body: { id: 'ci-bot', label: 'CI' } });
    assert.equal(r.statusCode, 201, r.body);
    const created = r.json<{ id: string; key: string; etag: string; steps: unknown[] }>();
    assert.equal(created.id, 'ci-bot');
    assert.match(created.key, /^sk-gw-[A-Za-z0-9_-]{32}$/);
    assert.equal(r.headers.etag, created.etag);
    assert.equal((await stack.viaCaddy('/v1/models', { key: created.key })).status, 200);
    const disk = await readFile(stack.store.configFile, 'utf8');
    assert.ok(!disk.includes(created.key));
    assert.match(disk, /"id": "ci-bot"[\s\S]*?"keyHash": "sha256:[0-9a-f]{64}"/);
    const listed = await stack.api('GET', '/admin/api/keys');
    assert.ok(!listed.body.includes('sha256:') && listed.body.includes('ci-bot'));
    assert.equal((await stack.api('POST', '/admin/api/keys', { body: { id: 'ci-bot' } })).statusCode, 409);

    const revoked = await stack.api('POST', '/admin/api/keys/ci-bot/revoke');
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.equal(revoked.json<{ status: string }>().status, 'disabled');
    const denied = await stack.viaCaddy('/v1/models', { key: created.key });
    assert.equal(denied.status, 401);
    assert.equal((JSON.parse(denied.body) as { error: Json }).error.code, 'api_key_disabled');
    assert.equal((await stack.api('DELETE', '/admin/api/keys/nobody')).statusCode, 404);
    // Revoking twice changes nothing.
    assert.equal((await stack.api('DELETE', '/admin/api/keys/ci-bot')).json<{ unchanged?: boolean }>().unchanged, true);
    assert.ok(!stack.logLines.join('\n').includes(created.key), 'the created key never reaches the admin log');
  },
);
