// A client that goes away aborts the upstream request at once, whether the upstream is streaming
// or has not answered yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STREAM_REQUEST, proxyHarness } from '../harness/proxy-harness.js';

test('a client that disconnects mid-stream aborts the upstream request at once', async (t) => {
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'slowChunks', intervalMs: 200, chunks: 50 });
  const controller = new AbortController();
  const res = await h.postChat(STREAM_REQUEST, { signal: controller.signal });
  const reader = res.body!.getReader();
  await reader.read();
  const abortedAt = Date.now();
  controller.abort();
  const seen = await h.sim.waitFor((r) => r.aborted, 3000);
  assert.ok(seen.aborted);
  assert.ok(Date.now() - abortedAt < 1000, 'the upstream saw the abort well before the stream would have ended (10 s)');
  assert.equal(seen.completed, false);
});

test('a client that disconnects while the upstream has not answered yet aborts it too', async (t) => {
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'hang' });
  const controller = new AbortController();
  const pending = h
    .postChat({ ...STREAM_REQUEST, stream: false }, { signal: controller.signal })
    .catch((e: unknown) => e);
  await h.sim.waitFor(() => true, 3000);
  controller.abort();
  await pending;
  const seen = await h.sim.waitFor((r) => r.aborted, 3000);
  assert.ok(seen.aborted);
});
