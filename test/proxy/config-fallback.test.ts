/**
 * A bad config.json must not stop the gateway (proxy/runtime.ts): a config that validates but
 * cannot be applied is refused whole — nothing of it installed, and refused again on the next
 * reload instead of being reported "unchanged" — and a proxy restarted on a truncated config.json
 * serves the last good config (config.last-good.json, kept by the proxy after every config it
 * applied) and says so, until config.json is fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CLIENT_KEY, HEALTH_KEY, startProxyHarness } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';
import { LAST_GOOD_NAME } from '../../common/config/last-good.js';

type Json = Record<string, unknown> & {
  models: Array<Record<string, unknown>>;
  upstreams: Array<Record<string, unknown>>;
};

test('a config that validates but cannot be applied is refused whole, and again on the next reload', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const before = h.runtime.snapshot();
  const config = structuredClone(before.config) as unknown as Json;
  config.models.push({ id: 'new-model', upstream: 'sp' });
  config.upstreams.push({
    name: 'sp',
    baseUrl: 'https://127.0.0.1:9',
    auth: { mode: 'servicePrincipal', tenantId: 'not a tenant!', clientId: 'c', clientSecret: 's' },
  });
  await h.writeConfig(config);
  for (let i = 0; i < 2; i++) {
    const r = await h.runtime.reload();
    assert.equal(r.status, 'invalid', `reload ${i + 1}`);
    assert.deepEqual(r.status === 'invalid' && r.issues.map((x) => x.path), ['/upstreams/2/auth']);
    assert.match(
      r.status === 'invalid' ? (r.issues[0]?.message ?? '') : '',
      /^cannot be applied: upstream "sp": Invalid tenant id provided/,
    );
  }
  assert.equal(h.runtime.snapshot(), before, 'the previous snapshot serves on');
  assert.equal(h.runtime.credentials.get('sp'), undefined, 'no credential of the refused config was installed');
  const ok = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(ok.status, 200);
});

test('restarted on a truncated config.json, the proxy serves the last good config and says so', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const lastGood = path.join(h.dataDir, LAST_GOOD_NAME);
  await waitUntil(
    async () => (await readFile(lastGood, 'utf8').catch(() => '')) === h.runtime.snapshot().text,
    5_000,
    'the last good config kept',
  );
  assert.equal((await stat(lastGood)).mode & 0o777, 0o600);
  const goodText = h.runtime.snapshot().text;
  await writeFile(path.join(h.dataDir, 'config.json'), goodText.slice(0, goodText.length / 2));

  await h.restart();
  assert.equal(h.runtime.source().kind, 'last-good');
  const chat = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
  assert.equal(chat.status, 200, 'clients are served');
  const ready = (await (
    await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } })
  ).json()) as {
    config: { source: string; servingFrom?: string; problems?: Array<{ path: string; message: string }> };
  };
  assert.equal(ready.config.source, 'last-good');
  assert.equal(ready.config.servingFrom, lastGood);
  assert.match(ready.config.problems?.[0]?.message ?? '', /^is not valid JSON/);
  assert.equal(h.logs.recent({ contains: 'SERVING THE LAST GOOD CONFIG' }).length, 1, 'said loudly in the log');
  assert.equal(await readFile(lastGood, 'utf8'), goodText, 'the broken file never replaces the last good one');

  // Fixed (here: the same text again): config.json is the source once more.
  await writeFile(path.join(h.dataDir, 'config.json'), goodText);
  assert.equal((await h.runtime.reload()).status, 'unchanged');
  assert.equal(h.runtime.source().kind, 'config');
});
