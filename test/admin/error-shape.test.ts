// The admin API's own errors (an unknown route, a body that is not JSON) are in OpenAI's shape.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { basic, startAdminStack } from '../harness/admin-stack.js';

interface ErrorBody {
  error: { message: string; type: string; code: string };
}

test('unknown routes and bad JSON answer in OpenAI shape', async (t) => {
  const stack = await startAdminStack(t);
  const nf = await stack.api('GET', '/admin/api/nope');
  assert.equal(nf.statusCode, 404);
  assert.equal(nf.json<ErrorBody>().error.code, 'not_found');
  const { etag } = await stack.currentConfig();
  const bad = await stack.admin.inject({
    method: 'PUT',
    url: '/admin/api/config',
    payload: '{"x":',
    headers: { 'content-type': 'application/json', 'if-match': etag, authorization: basic() },
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json<ErrorBody>().error.code, 'invalid_json');
});
