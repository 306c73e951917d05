// GET /admin/api/config masks every secret the config holds and sends the file's ETag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MASK } from '../../admin/config/secrets.js';
import { startSecretsStack } from '../harness/admin-secrets-config.js';
import { CLIENT_KEY, HEALTH_KEY, SIM_API_KEY } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;

test('GET masks every secret and sends an ETag', async (t) => {
  const { stack, secrets } = await startSecretsStack(t);
  const { reply: r, config, etag } = await stack.currentConfig();
  assert.equal(r.statusCode, 200);
  assert.match(etag, /^"[0-9a-f]{64}"$/);
  assert.ok(secrets.length >= 6, 'the fixture has secrets of every kind');
  for (const s of [...secrets, CLIENT_KEY, HEALTH_KEY, SIM_API_KEY])
    assert.ok(!r.body.includes(s), `GET leaks ${s.slice(0, 6)}…`);
  const server = config.server as { healthKey: string; adminAuth: Json };
  assert.equal(server.healthKey, MASK);
  assert.equal(server.adminAuth.passwordHash, MASK);
  assert.equal((config.auth as Json).clientSecret, MASK);
  assert.ok((config.apiKeys as Json[]).every((k) => k.keyHash === MASK && k.key === undefined));
});
