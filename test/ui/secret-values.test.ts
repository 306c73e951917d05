/** Secrets never appear in a diff or a summary: only whether one is kept or new. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLang } from '../../admin/ui/js/i18n.js';
import { isSecretPath, MASK, showValue } from '../../admin/ui/js/secrets.js';

test('the secret fields are known by name, and API keys by their key and hash', () => {
  for (const p of [
    '/auth/apiKey',
    '/upstreams/0/auth/clientSecret',
    '/server/adminAuth/password',
    '/server/adminAuth/passwordHash',
    '/server/healthKey',
    '/apiKeys/2/key',
    '/apiKeys/2/keyHash',
  ]) {
    assert.equal(isSecretPath(p), true, p);
  }
  for (const p of ['/auth/mode', '/models/0/key', '/apiKeys/2/label', '/server/caddy/acme/azure/clientId'])
    assert.equal(isSecretPath(p), false, p);
});

test('values are shown whole (text as it is, lists joined, objects as JSON), secrets as kept or new', () => {
  setLang('en');
  assert.equal(showValue('/server/upstream/maxRetries', 2), '2');
  assert.equal(showValue('/models/0', undefined), '(not set)');
  assert.equal(showValue('/auth/apiKey', MASK), '(secret, unchanged)');
  assert.equal(showValue('/auth/apiKey', 'sk-typed-just-now'), '(new secret value)');
  assert.equal(
    showValue('/upstreams/0', { name: 'u', auth: { mode: 'apiKey', apiKey: 'sk-typed' } }),
    '{"name":"u","auth":{"mode":"apiKey","apiKey":"••••"}}',
  );
  assert.equal(showValue('/models/0/ownedBy', 'x'.repeat(200)), 'x'.repeat(200));
  assert.equal(showValue('/models/0/ownedBy', ''), '""');
  assert.equal(showValue('/server/caddy/domains', ['a.example', 'b.example']), 'a.example, b.example');
  setLang('zh-CN');
  assert.equal(showValue('/auth/apiKey', MASK), '（密文，未改变）');
  setLang('en');
});
