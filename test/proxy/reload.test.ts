// Reloading the config: the whole snapshot is swapped at once, an identical file is a no-op, an
// invalid one is refused with every problem while the old one keeps serving, a rotated health
// key keeps the old one for a while, and reloads close together end on the newest file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { HEALTH_KEY, defaultConfig, proxyHarness } from '../harness/proxy-harness.js';

async function reload(
  internalUrl: string,
): Promise<{ status: number; body: { status: string; issues?: Array<{ path: string; message: string }> } }> {
  const res = await fetch(`${internalUrl}/internal/reload`, { method: 'POST' });
  return {
    status: res.status,
    body: (await res.json()) as { status: string; issues?: Array<{ path: string; message: string }> },
  };
}

test('reload swaps the whole config: a new model and key work at once, a removed key stops working', async (t) => {
  const h = await proxyHarness(t);
  const before = h.runtime.snapshot();
  const config = defaultConfig(h.sim.url) as {
    apiKeys: Array<Record<string, unknown>>;
    models: Array<Record<string, unknown>>;
    auth: unknown;
  };
  config.auth = before.config.auth;
  config.apiKeys = [{ id: 'new', key: 'sk-brand-new-key', status: 'active' }];
  config.models.push({ id: 'added', upstream: 'keyed', targetModel: 'dep-added' });
  await h.writeConfig(config);
  const r = await reload(h.internalUrl);
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'reloaded');
  assert.notEqual(h.runtime.snapshot(), before, 'a new snapshot object, not a mutated one');
  const res = await h
    .sdk('sk-brand-new-key')
    .chat.completions.create({ model: 'added', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.object, 'chat.completion');
  await assert.rejects(h.sdk().models.list(), OpenAI.AuthenticationError);
});

test('an identical config is a no-op', async (t) => {
  const h = await proxyHarness(t);
  const before = h.runtime.snapshot();
  const r = await reload(h.internalUrl);
  assert.equal(r.body.status, 'unchanged');
  assert.equal(h.runtime.snapshot(), before);
});

test('an invalid config is rejected with a {path,message} list and the old one keeps serving', async (t) => {
  const h = await proxyHarness(t);
  const before = h.runtime.snapshot();
  await h.writeConfig({ models: [{ id: 'x', upstream: 'nowhere' }], server: { upstream: { maxRetries: -1 } } });
  const r = await reload(h.internalUrl);
  assert.equal(r.status, 400);
  assert.equal(r.body.status, 'invalid');
  assert.deepEqual(r.body.issues, [{ path: '/server/upstream/maxRetries', message: 'must be >= 0' }]);
  assert.equal(h.runtime.snapshot(), before);
  const res = await h
    .sdk()
    .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'still here' }] });
  assert.equal(res.object, 'chat.completion');
  await h.writeConfig('{ not json');
  const broken = await reload(h.internalUrl);
  assert.equal(broken.status, 400);
  assert.match(broken.body.issues?.[0]?.message ?? '', /not valid JSON/);
});

test('a rotated health key: the old one keeps working during the apply grace period', async (t) => {
  const h = await proxyHarness(t);
  const config = defaultConfig(h.sim.url) as { server: Record<string, unknown>; auth: unknown };
  config.auth = h.runtime.snapshot().config.auth;
  config.server.healthKey = 'rotated-health-key-0000000';
  await h.writeConfig(config);
  assert.equal((await reload(h.internalUrl)).body.status, 'reloaded');
  for (const key of [HEALTH_KEY, 'rotated-health-key-0000000']) {
    const res = await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200, key);
  }
});

test('two reloads close together end on the newest file', async (t) => {
  const h = await proxyHarness(t);
  const config = JSON.parse(JSON.stringify(h.runtime.snapshot().config)) as { models: Array<Record<string, unknown>> };
  config.models.push({ id: 'v2', upstream: 'foundry' });
  await h.writeConfig(config);
  const first = h.runtime.reload();
  config.models.push({ id: 'v3', upstream: 'foundry' });
  await h.writeConfig(config);
  const second = h.runtime.reload();
  await Promise.all([first, second]);
  assert.ok(h.runtime.snapshot().catalog.get('v3'), 'the second reload read the newest file');
});
