// GET /admin/api/schema serves the one JSON Schema the config is validated against.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigSchema } from '../../common/config/schema.js';
import { startAdminStack } from '../harness/admin-stack.js';

test('the schema endpoint serves the shared JSON Schema', async (t) => {
  const stack = await startAdminStack(t);
  const r = await stack.api('GET', '/admin/api/schema');
  assert.equal(r.statusCode, 200);
  assert.deepEqual(r.json(), JSON.parse(JSON.stringify(ConfigSchema)));
});
