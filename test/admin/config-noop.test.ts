// Saving the stored config again (client keys already hashed) changes nothing and applies nothing:
// the answer says so and keeps the ETag.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSecretsStack } from '../harness/admin-secrets-config.js';

test('saving the stored config again is a no-op', async (t) => {
  const { stack } = await startSecretsStack(t);
  const { config, etag } = await stack.currentConfig();
  const r = await stack.api('PUT', '/admin/api/config', { body: config, headers: { 'if-match': etag } });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json(), { unchanged: true, etag });
});
