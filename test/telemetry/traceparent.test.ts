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
