/**
 * The heap budget for parsed bodies (proxy/access/body-budget.ts): bodies in flight never hold
 * more than the budget together, a share is given back exactly once when the response ends or the
 * client leaves, and a body that cannot get room in time is answered 503, not left waiting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';
import { BodyBudget } from '../../proxy/access/body-budget.js';

function bodyOf(bytes: number, stream = true): string {
  return JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: 'x'.repeat(bytes) }] });
}

async function chat(url: string, body: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

test('the budget: first come first served, a body larger than the whole runs alone, shares shrink and are released once', async () => {
  const b = new BodyBudget(100, 10_000);
  const a = await b.request(60).granted;
  const second = b.request(60);
  const small = b.request(10);
  let order: string[] = [];
  void second.granted.then(() => order.push('second'));
  void small.granted.then(() => order.push('small'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [], 'the small one does not overtake the one ahead of it');
  a.resize(30);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['second', 'small']);
  assert.equal(b.used, 100);
  a.release();
  a.release();
  assert.equal(b.used, 70, 'a second release gives nothing back twice');
  order = [];
  const huge = b.request(1_000);
  void huge.granted.then(() => order.push('huge'));
  (await second.granted).release();
  (await small.granted).release();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, ['huge'], 'admitted once nothing else is held');
  assert.equal(b.used, 1_000);
  assert.equal(b.peak, 1_000);
});

test('a waiting request gives up after maxWaitMs, and a cancelled one leaves the queue', async () => {
  const b = new BodyBudget(10, 50);
  const held = await b.request(10).granted;
  await assert.rejects(b.request(5).granted, { code: 'GW_BODY_BUDGET_WAIT' });
  const withdrawn = b.request(5);
  withdrawn.cancel(new Error('client left'));
  await assert.rejects(withdrawn.granted, /client left/);
  assert.equal(b.waiting, 0);
  held.release();
  assert.equal(b.used, 0);
});

test('concurrent large bodies never hold more than the budget; every share comes back', async (t) => {
  const budget = new BodyBudget(1_000_000, 30_000);
  const h = await startProxyHarness({ bodyBudget: budget });
  t.after(() => h.close());
  h.sim.setDefault({ kind: 'slowChunks', intervalMs: 20, chunks: 10 });
  // Each body keeps ~300 KB (its string) and needs ~600 KB to parse: at most three at once fit.
  const results = await Promise.all(Array.from({ length: 8 }, () => chat(h.url, bodyOf(300_000))));
  assert.deepEqual(
    results.map((r) => r.status),
    Array(8).fill(200),
  );
  assert.ok(results.every((r) => r.text.endsWith('data: [DONE]\n\n')));
  assert.ok(budget.peak <= 1_000_000, `peak ${budget.peak}`);
  assert.ok(budget.peak >= 600_000, `peak ${budget.peak}: bodies were admitted`);
  await waitUntil(async () => budget.used === 0, 5_000, 'every share released');
});

test('a client that leaves mid-stream gives its share back', async (t) => {
  const budget = new BodyBudget(10_000_000, 30_000);
  const h = await startProxyHarness({ bodyBudget: budget });
  t.after(() => h.close());
  h.sim.setDefault({ kind: 'slowChunks', intervalMs: 200, chunks: 50 });
  const { port } = new URL(h.url);
  const body = bodyOf(200_000);
  await new Promise<void>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/chat/completions',
        headers: {
          authorization: `Bearer ${CLIENT_KEY}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.once('data', () => {
          assert.ok(budget.used >= 200_000, `held while streaming: ${budget.used}`);
          req.destroy();
          resolve();
        });
      },
    );
    req.on('error', () => undefined);
    req.once('error', reject);
    req.end(body);
  });
  await waitUntil(async () => budget.used === 0, 5_000, 'the share released after the client left');
});

test('a body that finds no room within the wait is answered 503 with retry-after', async (t) => {
  const budget = new BodyBudget(100_000, 300);
  const h = await startProxyHarness({ bodyBudget: budget });
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 200, chunks: 10 });
  const first = chat(h.url, bodyOf(300_000));
  await waitUntil(async () => budget.used > 0, 5_000, 'the first body holds the budget');
  const second = await chat(h.url, bodyOf(300_000, false));
  assert.equal(second.status, 503);
  assert.equal(second.headers.get('retry-after'), '5');
  assert.equal((JSON.parse(second.text) as { error: { code: string } }).error.code, 'gateway_busy');
  assert.equal((await first).status, 200);
  assert.equal(h.sim.requests.length, 1);
});
