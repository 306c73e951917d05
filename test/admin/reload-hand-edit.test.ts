// POST /admin/api/reload applies a config.json edited by hand, through every apply step.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';
import { APPLY_STEPS as STEPS, modelIds, withModel } from '../harness/apply-checks.js';

type Json = Record<string, unknown>;

test('POST /admin/api/reload applies a config.json edited by hand', { timeout: 60_000 }, async (t) => {
  const stack = await startAdminStack(t, { caddy: true });
  const text = await readFile(stack.store.configFile, 'utf8');
  await writeFile(stack.store.configFile, JSON.stringify(withModel(JSON.parse(text) as Json, 'gpt-by-hand'), null, 2));
  const r = await stack.api('POST', '/admin/api/reload', { headers: { 'content-type': 'application/json' } });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(
    r.json<{ steps: { name: string }[] }>().steps.map((s) => s.name),
    STEPS,
  );
  assert.ok((await modelIds(stack)).includes('gpt-by-hand'));
});
