// GET /admin/api/usage is the proxy's /internal/stats, passed through with its query.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';

test("usage is the proxy's /internal/stats", async (t) => {
  const stack = await startAdminStack(t);
  const r = await stack.api('GET', '/admin/api/usage?resolution=minute&model=gpt-4o-mini');
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(typeof r.json(), 'object');
});
