// A client's W3C traceparent is honoured (the request span is its child, in its trace) and the
// upstream attempt's own context is what Foundry receives. Exported as OTLP JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELLO } from '../harness/proxy-harness.js';
import { tracedProxy } from '../harness/traced-proxy.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

test('the client traceparent is the request span parent and the attempt context goes upstream', async (t) => {
  const { h, otlp, flush, requestSpans, attemptsOf } = await tracedProxy(t, 'http/json');
  const res = await h.postChat(HELLO, { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` } });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  await flush();
  assert.ok(otlp.contentTypes.length > 0 && otlp.contentTypes.every((c) => c.startsWith('application/json')));
  const [span] = requestSpans();
  assert.ok(span);
  assert.equal(span.traceId, TRACE_ID);
  assert.equal(span.parentSpanId, CLIENT_SPAN);
  const [attempt] = attemptsOf(span);
  assert.ok(attempt);
  assert.equal(attempt.traceId, TRACE_ID);
  const received = h.sim.requests.find((r) => r.path.includes('chat/completions'));
  assert.equal(received?.headers.traceparent, `00-${TRACE_ID}-${attempt.spanId}-01`);
});

test('an unsampled caller is not recorded, its context still goes upstream, and the metrics count it', async (t) => {
  const { h, otlp, flush } = await tracedProxy(t, 'http/protobuf');
  const res = await h.postChat(HELLO, { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-00` } });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  await flush();
  assert.equal(otlp.spans.length, 0, 'no span of an unsampled trace');
  const received = h.sim.requests.find((r) => r.path.includes('chat/completions'));
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/.exec(String(received?.headers.traceparent));
  assert.ok(m, `unsampled traceparent upstream: ${String(received?.headers.traceparent)}`);
  assert.equal(m[1], TRACE_ID);
  assert.notEqual(m[2], CLIENT_SPAN, "the gateway's own span id, not the caller's");
  const duration = otlp.points.filter((p) => p.metric === 'gen_ai.client.operation.duration');
  assert.deepEqual(
    duration.map((p) => p.count),
    [1],
  );
});
