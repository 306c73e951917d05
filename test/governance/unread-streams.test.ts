/**
 * The review's pool-starvation attack against the per-key concurrency limit: one key opens 260
 * streams and never reads them. With `limits.maxConcurrent` 10 exactly 10 are admitted and 250
 * refused with 429 rate_limit_exceeded, so the upstream pool (16 connections) keeps room, and
 * another key's request is served while the greedy streams stay open.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';
import { openUnreadStream } from '../harness/unread-stream.js';

const GREEDY_KEY = 'sk-test-greedy-key-0004';
const streamBody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });

test('260 streams one key never reads: 10 admitted, 250 refused, another key still served', async (t) => {
  const h = await startProxyHarness({
    configure: (c) => {
      (c.apiKeys as unknown[]).push({ id: 'greedy', key: GREEDY_KEY, limits: { maxConcurrent: 10 } });
      (c.server as { upstream: Record<string, unknown> }).upstream.pool = { connections: 16, queueTimeoutMs: 2_000 };
    },
  });
  t.after(() => h.close());
  // Long streams for the ten admitted: the greedy client reads none of them.
  h.sim.enqueue(...Array.from({ length: 10 }, () => ({ kind: 'slowChunks' as const, intervalMs: 100, chunks: 600 })));
  const greedy = await Promise.all(Array.from({ length: 260 }, () => openUnreadStream(h.url, GREEDY_KEY, streamBody)));
  t.after(() => greedy.forEach((g) => g.req.destroy()));
  assert.equal(greedy.filter((g) => g.status === 200).length, 10);
  assert.equal(greedy.filter((g) => g.status === 429 && g.code === 'rate_limit_exceeded').length, 250);
  const res = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'other team' }] }),
  });
  assert.equal(res.status, 200, 'another key is served while the greedy streams stay open');
  assert.equal(((await res.json()) as { object: string }).object, 'chat.completion');
});
