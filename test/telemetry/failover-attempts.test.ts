// A target that answers 503 and the next that answers 200: one request span with two attempt
// spans under it, the first marked failed, and the request span counting two attempts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tracedProxy } from '../harness/traced-proxy.js';

test('failover gives one request span with two attempt spans', async (t) => {
  const { h, flush, requestSpans, attemptsOf } = await tracedProxy(t, 'http/protobuf');
  h.sim.enqueue({ kind: 'status', status: 503 });
  const res = await h.postChat({ model: 'pool', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  await flush();
  const [span, ...more] = requestSpans();
  assert.ok(span);
  assert.equal(more.length, 0);
  assert.equal(span.attributes['gateway.attempts'], 2);
  assert.equal(span.attributes['gateway.target'], 'b/dep-b');
  const attempts = attemptsOf(span).sort(
    (x, y) => Number(x.attributes['gateway.attempt']) - Number(y.attributes['gateway.attempt']),
  );
  assert.deepEqual(
    attempts.map((a) => [a.attributes['gateway.target'], a.attributes['http.response.status_code'], a.statusCode]),
    [
      ['a/dep-a', 503, 2],
      ['b/dep-b', 200, 0],
    ],
  );
  // Both tries went upstream, each with its own span as the parent.
  const sent = h.sim.requests.map((r) => r.headers.traceparent?.split('-')[2]);
  assert.deepEqual(
    sent,
    attempts.map((a) => a.spanId),
  );
});
