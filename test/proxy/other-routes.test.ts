import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import sharp from 'sharp';
import { randomBytes } from 'node:crypto';
import { CLIENT_KEY, HEALTH_KEY, LIMITED_KEY, startProxyHarness } from '../harness/proxy-harness.js';

function sdk(url: string, key = CLIENT_KEY) {
  return new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });
}

test('responses: plain and streamed through the SDK, usage counted', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const client = sdk(h.url);
  const plain = await client.responses.create({ model: 'gpt-4o-mini', input: 'tell me something' });
  assert.equal(plain.object, 'response');
  assert.match(plain.output_text, /tell me something/);
  const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'stream this' });
  const deltas: string[] = [];
  stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
  const final = await stream.finalResponse();
  assert.equal(final.status, 'completed');
  assert.match(deltas.join(''), /stream this/);
  assert.equal(h.sim.requests[1]?.path, '/openai/v1/responses');
  const stats = (await (await fetch(`${h.internalUrl}/internal/stats`)).json()) as { totals: { requests: number; totalTokens: number } };
  assert.equal(stats.totals.requests, 2);
  assert.ok(stats.totals.totalTokens > 0);
});

test('"*": "responses" sends a chat call to the responses route of the deployment', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  await sdk(h.url).responses.create({ model: 'codex', input: 'hi' });
  const seen = h.sim.requests[0]!;
  assert.equal(seen.path, '/openai/v1/responses');
  assert.equal((seen.body as { model: string }).model, 'dep-codex');
});

test('images and embeddings reach their own routes', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const client = sdk(h.url);
  const img = await client.images.generate({ model: 'image', prompt: 'a red square' });
  const b64 = img.data?.[0]?.b64_json;
  assert.ok(b64);
  const meta = await sharp(Buffer.from(b64, 'base64')).metadata();
  assert.equal(meta.format, 'png');
  const emb = await client.embeddings.create({ model: 'embed', input: ['one', 'two'] });
  assert.equal(emb.data.length, 2);
  assert.ok(emb.data[0]!.embedding.length > 0);
  assert.deepEqual(h.sim.requests.map((r) => r.path), ['/openai/v1/images/generations', '/openai/v1/embeddings']);
});

test('an inline image in a chat request is compressed before it goes upstream, and the saving is counted', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const noise = randomBytes(2400 * 1600 * 3);
  const png = await sharp(noise, { raw: { width: 2400, height: 1600, channels: 3 } }).png().toBuffer();
  const url = `data:image/png;base64,${png.toString('base64')}`;
  await sdk(h.url).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url } }] }],
  });
  const sent = h.sim.requests[0]!.body as { messages: Array<{ content: Array<{ image_url?: { url: string } }> }> };
  const sentUrl = sent.messages[0]!.content[1]!.image_url!.url;
  assert.match(sentUrl, /^data:image\/jpeg;base64,/);
  const sentBytes = Buffer.from(sentUrl.split(',')[1]!, 'base64');
  assert.ok(sentBytes.length < png.length);
  const meta = await sharp(sentBytes).metadata();
  assert.equal(Math.max(meta.width ?? 0, meta.height ?? 0), 1600);
  const stats = (await (await fetch(`${h.internalUrl}/internal/stats`)).json()) as { totals: { imageBytesSaved: number } };
  assert.equal(stats.totals.imageBytesSaved, png.length - sentBytes.length);
});

test('models: listed from config with stable created and owned_by, filtered by the key\'s allow-list', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const all = await sdk(h.url).models.list();
  const ids = all.data.map((m) => m.id);
  assert.deepEqual(ids, ['gpt-4o-mini', 'gpt-5-mini', 'codex', 'classic', 'embed', 'image', 'no-usage']);
  const one = await sdk(h.url).models.retrieve('gpt-4o-mini');
  assert.equal(one.owned_by, 'foundry');
  assert.equal(one.created, all.data[0]!.created);
  const limited = await sdk(h.url, LIMITED_KEY).models.list();
  assert.deepEqual(limited.data.map((m) => m.id), ['gpt-4o-mini']);
  await assert.rejects(sdk(h.url, LIMITED_KEY).models.retrieve('gpt-5-mini'), OpenAI.NotFoundError);
  assert.equal(h.sim.requests.length, 0, 'the model list never calls the upstream');
});

test('healthz and readyz need a key, accept the health key, and never call the upstream', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  assert.equal((await fetch(`${h.url}/healthz`)).status, 401);
  const health = await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  // Let the start-up token warm-up finish, then readiness reports each upstream from memory.
  await new Promise((r) => setTimeout(r, 300));
  const clientView = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
  assert.equal(clientView.status, 200);
  assert.deepEqual(await clientView.json(), { status: 'ready' }, 'client keys see no identities or error texts');
  const ready = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(ready.status, 200);
  const body = (await ready.json()) as { status: string; upstreams: Record<string, { state: string; mode: string }> };
  assert.equal(body.status, 'ready');
  assert.match(body.upstreams.foundry?.mode ?? '', /^managedIdentity\(/);
  assert.equal(body.upstreams.keyed?.mode, 'apiKey');
  const fetchesBefore = h.identity.requests.length;
  for (let i = 0; i < 5; i++) await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(h.identity.requests.length, fetchesBefore, 'readyz fetches no tokens');
  assert.equal(h.sim.requests.length, 0);
});

test('Entra tokens are cached: many requests, concurrent ones included, share one token fetch', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const client = sdk(h.url);
  await Promise.all(Array.from({ length: 8 }, () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })));
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y' }] });
  assert.equal(h.sim.requests.length, 9);
  assert.equal(h.identity.requests.length, 1);
});

test('internal endpoints are not on the public listener; metrics and stats are on the internal one', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  await sdk(h.url).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count' }] });
  for (const p of ['/internal/reload', '/internal/stats', '/metrics']) {
    const res = await fetch(`${h.url}${p}`, { method: p.endsWith('reload') ? 'POST' : 'GET', headers: { authorization: `Bearer ${CLIENT_KEY}` } });
    assert.equal(res.status, 404, p);
  }
  const metrics = await (await fetch(`${h.internalUrl}/metrics`)).text();
  assert.match(metrics, /^gateway_requests_total\{model="gpt-4o-mini",key="main",target="foundry\/dep-4o-mini",status_class="2xx"\} 1$/m);
  assert.match(metrics, /^gateway_upstream_credential_ok\{upstream="foundry"\} 1$/m);
  const logs = (await (await fetch(`${h.internalUrl}/internal/logs`)).json()) as { lines: unknown[] };
  assert.ok(Array.isArray(logs.lines));
});
