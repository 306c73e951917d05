// A change that would make the proxy report "not ready" (proxy/observe/readiness.ts: an upstream
// credential in error) is refused at validation, in words, and nothing is applied.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';

type Json = Record<string, unknown>;

test('an api-key upstream without a key is refused at validation with a field error in words; nothing is written', async (t) => {
  const stack = await startAdminStack(t);
  const { config, etag } = await stack.currentConfig();
  const before = (await stack.store.read()).text;
  const upstreams = config.upstreams as Json[];
  const i = upstreams.findIndex((u) => u.name === 'keyed');
  upstreams[i] = { ...upstreams[i], auth: { mode: 'apiKey' } };

  const r = await stack.api('PUT', '/admin/api/config', { body: config, headers: { 'if-match': etag } });
  assert.equal(r.statusCode, 400);
  const body = r.json<{ error: { message: string; code: string }; issues: { path: string; message: string }[] }>();
  assert.equal(body.error.code, 'invalid_config');
  assert.equal(body.error.message, 'This change would make the gateway not ready; see issues.');
  assert.deepEqual(body.issues, [
    {
      path: `/upstreams/${i}/auth/apiKey`,
      message:
        'Upstream "keyed" signs in with an API key, but no key is set: enter the key or choose another sign-in method (the gateway would otherwise report "not ready").',
    },
  ]);
  assert.equal((await stack.store.read()).text, before, 'config.json is unchanged');
});
