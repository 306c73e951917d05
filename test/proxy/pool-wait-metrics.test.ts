/**
 * A full upstream pool is never silent (proxy/upstream/pool-metrics.ts): /metrics counts the
 * requests that waited for a free connection, the ones that gave up after `pool.queueTimeoutMs`,
 * and shows the requests holding a connection now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_KEY, LIMITED_KEY, startProxyHarness } from '../harness/proxy-harness.js';
import { openUnreadStream } from '../harness/unread-stream.js';

const streamBody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });
const plain = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

/** The value of the sample `name{origin="…"}` in a Prometheus text. */
function sample(text: string, name: string, origin: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{origin="${origin}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('/metrics counts waits for a free upstream connection and the ones that timed out', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      (c.server as { upstream: Record<string, unknown> }).upstream.pool = { connections: 1, queueTimeoutMs: 200 };
    },
  });
  t.after(() => h.close());
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 100, chunks: 600 });
  // The body is never read: the one connection stays busy.
  const holder = await openUnreadStream(h.url, CLIENT_KEY, streamBody);
  assert.equal(holder.status, 200);

  const refused = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${LIMITED_KEY}`, 'content-type': 'application/json' },
    body: plain,
  });
  assert.equal(refused.status, 503);
  await refused.text();

  const text = await (await fetch(`${h.internalUrl}/metrics`)).text();
  const origin = new URL(h.sim.url).origin;
  assert.equal(sample(text, 'gateway_upstream_pool_in_flight', origin), 1);
  assert.equal(sample(text, 'gateway_upstream_pool_waiting', origin), 0);
  assert.equal(sample(text, 'gateway_upstream_pool_waits', origin), 1);
  assert.equal(sample(text, 'gateway_upstream_pool_wait_timeouts', origin), 1);
  const waited = sample(text, 'gateway_upstream_pool_wait_seconds', origin) ?? 0;
  assert.ok(waited > 0, `the wait is counted (${waited} s)`);
  holder.req.destroy();
});
