/**
 * Waiting for an upstream connection has a deadline (proxy/upstream/pool-gate.ts): with every
 * connection of the pool held by streams nobody reads, the next request is answered 503
 * upstream_busy after `pool.queueTimeoutMs` instead of waiting without end, is never sent, and
 * does not open the target's circuit. Once a connection frees, requests flow again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_KEY, LIMITED_KEY, startProxyHarness } from '../harness/proxy-harness.js';
import { openUnreadStream } from '../harness/unread-stream.js';
import { waitUntil } from '../harness/ports.js';
import { poolGateOf } from '../../proxy/upstream/pool-gate.js';

const streamBody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
const plain = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

test('a full pool: the next request gets 503 upstream_busy after queueTimeoutMs, then service resumes', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      (c.server as { upstream: Record<string, unknown> }).upstream.pool = { connections: 2, queueTimeoutMs: 300 };
    },
  });
  t.after(() => h.close());
  h.sim.enqueue(
    { kind: 'slowChunks', intervalMs: 100, chunks: 600 },
    { kind: 'slowChunks', intervalMs: 100, chunks: 600 },
  );
  // Their bodies are never read: both connections stay busy.
  const holders = await Promise.all([0, 1].map(() => openUnreadStream(h.url, CLIENT_KEY, streamBody)));
  assert.deepEqual(
    holders.map((x) => x.status),
    [200, 200],
  );
  const origin = new URL(h.sim.url).origin;
  assert.equal(poolGateOf(h.runtime.dispatcher())?.active(origin), 2);

  const res = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${LIMITED_KEY}`, 'content-type': 'application/json' },
    body: plain,
  });
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
  const err = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(err.error.code, 'upstream_busy');
  assert.match(
    err.error.message,
    /^Upstream "foundry" has no free connection: every connection stayed busy \(pool\.queueTimeoutMs\)/,
  );
  assert.equal(h.sim.requests.length, 2, 'the refused request was never sent');
  const view = h.runtime.targets.view()['foundry/dep-4o-mini'];
  assert.deepEqual(
    [view?.state, view?.consecutiveFailures],
    ['healthy', 0],
    'a busy pool does not count against the target',
  );

  holders.forEach((r) => r.req.destroy());
  await waitUntil(async () => poolGateOf(h.runtime.dispatcher())?.active(origin) === 0, 5_000, 'connections released');
  const again = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${LIMITED_KEY}`, 'content-type': 'application/json' },
    body: plain,
  });
  assert.equal(again.status, 200);
  await again.text();
});
