// Three replicas (each a real Caddy and proxy) behind one name, one admin, one Redis
// (docs/shared-state.md): limits are exact across them, a 429 seen by one keeps all off that
// target, a Responses conversation and a file's ownership hold on any replica, and a config change made in
// the admin reaches every replica's proxy and Caddy.
import assert from 'node:assert/strict';
import test from 'node:test';
import OpenAI, { toFile } from 'openai';
import { CLIENT_KEY, LIMITED_KEY } from '../harness/proxy-harness.js';
import { startReplicaSet } from '../harness/replica-set.js';
import { httpRequest } from '../harness/caddy-process.js';
import { waitUntil } from '../harness/ports.js';

const METERED_KEY = 'sk-test-metered-key-0004';
const K = 6;

const statusOf = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e instanceof OpenAI.APIError ? (e.status ?? 0) : -1),
  );

test('three replicas share limits, target health, Responses affinity and config', async (t) => {
  const set = await startReplicaSet(t, {
    configure: (c) =>
      (c.apiKeys as unknown[]).push({
        id: 'metered',
        key: METERED_KEY,
        status: 'active',
        limits: { requestsPerMinute: K },
      }),
  });

  await t.test(
    `a key limited to ${K} requests per minute gets exactly ${K} successes across all replicas together`,
    async () => {
      const clients = [0, 1, 2].map((i) => set.sdk(i, METERED_KEY));
      const statuses = await Promise.all(
        Array.from({ length: 3 * K }, (_, i) =>
          statusOf(
            clients[i % 3]!.chat.completions.create({
              model: 'gpt-5-mini',
              messages: [{ role: 'user', content: `hi ${i}` }],
            }),
          ),
        ),
      );
      assert.deepEqual(
        [statuses.filter((s) => s === 200).length, statuses.filter((s) => s === 429).length],
        [K, 2 * K],
      );
    },
  );

  await t.test('a 429 with retry-after seen by one replica keeps the other replicas off that target', async () => {
    set.a.enqueue({
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '60' },
      body: { error: { code: '429', message: 'Rate limit is exceeded.' } },
    });
    const before = set.a.requests.filter((r) => r.deployment === 'dep-a').length;
    const first = await set
      .sdk(0, CLIENT_KEY)
      .chat.completions.create({ model: 'pool', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(first.object, 'chat.completion');
    assert.equal(set.a.requests.filter((r) => r.deployment === 'dep-a').length, before + 1);
    for (const i of [1, 2]) {
      await waitUntil(
        async () => {
          const targets = (
            (await set.internal(i, '/internal/targets')) as { targets: Record<string, { state: string }> }
          ).targets;
          return targets['a/dep-a']?.state === 'cooling_down';
        },
        10_000,
        `replica ${i} to learn the cool-down`,
      );
    }
    const servedByB = set.b.requests.length;
    for (const i of [1, 2])
      await set
        .sdk(i, CLIENT_KEY)
        .chat.completions.create({ model: 'pool', messages: [{ role: 'user', content: `from ${i}` }] });
    assert.equal(
      set.a.requests.filter((r) => r.deployment === 'dep-a').length,
      before + 1,
      'no replica sent another request to the cooling target',
    );
    assert.equal(set.b.requests.length, servedByB + 2);
  });

  await t.test('a response created on one replica is continued, and fetched, through the others', async () => {
    const created = await set.sdk(0, CLIENT_KEY).responses.create({ model: 'gpt-4o-mini', input: 'remember me' });
    assert.match(created.id, /^resp_/);
    const continued = await set
      .sdk(1, CLIENT_KEY)
      .responses.create({ model: 'gpt-4o-mini', input: 'and now?', previous_response_id: created.id });
    assert.equal(continued.status, 'completed');
    const fetched = await set.sdk(2, CLIENT_KEY).responses.retrieve(created.id);
    assert.equal(fetched.id, created.id);
  });

  await t.test("a file uploaded through one replica is its key's on every replica, and nobody else's", async () => {
    const file = await set
      .sdk(0, CLIENT_KEY)
      .files.create({ file: await toFile(Buffer.from('{"a":1}\n'), 'pins.jsonl'), purpose: 'batch' });
    assert.match(file.id, /^file-/);
    assert.equal((await set.sdk(1, CLIENT_KEY).files.retrieve(file.id)).filename, 'pins.jsonl');
    assert.deepEqual(
      (await set.sdk(2, CLIENT_KEY).files.list()).data.map((f) => f.id),
      [file.id],
    );
    assert.equal(await statusOf(set.sdk(2, LIMITED_KEY).files.retrieve(file.id)), 404);
    await set.sdk(2, CLIENT_KEY).files.delete(file.id);
    assert.equal(await statusOf(set.sdk(1, CLIENT_KEY).files.retrieve(file.id)), 404);
  });

  await t.test("a config change applied in the admin reaches every replica's proxy and Caddy", async () => {
    const created = await set.api('POST', '/admin/api/keys', { id: 'late', label: 'added while running' });
    assert.equal(created.statusCode, 201, created.body);
    const secret = (created.json() as { key: string }).key;
    const current = await set.api('GET', '/admin/api/config');
    const config = current.json() as { server: Record<string, unknown> };
    config.server.bodyLimitBytes = 3_000_000;
    const saved = await set.api('PUT', '/admin/api/config', config, { 'if-match': String(current.headers.etag) });
    assert.equal(saved.statusCode, 200, saved.body);
    for (const r of set.replicas) {
      await waitUntil(
        async () => (await statusOf(set.sdk(r.index, secret).models.list())) === 200,
        10_000,
        `replica ${r.index}'s proxy to accept the new key`,
      );
      await waitUntil(
        async () =>
          (
            await httpRequest(r.caddyPorts.adminPort, '/config/', {
              headers: { host: `localhost:${r.caddyPorts.adminPort}` },
            })
          ).body.includes(`"max_size":${3_000_000 + 1_048_576}`),
        10_000,
        `replica ${r.index}'s Caddy to load the new body limit`,
      );
    }
  });
});
