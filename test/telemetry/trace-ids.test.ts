// Trace and span ids are well-formed and distinct; a caller's traceparent is read as the W3C
// Trace Context specification says (invalid ones ignored, the sampled flag kept).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastCut, newSpanId, newTraceId, parseTraceparent } from '../../proxy/telemetry/otlp/trace-ids.js';

test('ids are lowercase hex of the right length and do not repeat', () => {
  const traces = new Set(Array.from({ length: 2000 }, () => newTraceId()));
  const spans = new Set(Array.from({ length: 2000 }, () => newSpanId()));
  assert.equal(traces.size, 2000);
  assert.equal(spans.size, 2000);
  assert.ok([...traces].every((id) => /^[0-9a-f]{32}$/.test(id)));
  assert.ok([...spans].every((id) => /^[0-9a-f]{16}$/.test(id)));
});

test("an id's digits are its bytes where lastCut says, across pools and the digits' spans", () => {
  // Several pools of random bytes, ids of both lengths mixed so they straddle the places where
  // the digits are made anew.
  for (let n = 0; n < 5000; n++) {
    const trace = n % 3 === 0;
    const id = trace ? newTraceId() : newSpanId();
    const bytes = lastCut.pool.subarray(lastCut.at, lastCut.at + (trace ? 16 : 8));
    assert.equal(Buffer.from(bytes).toString('hex'), id, `id ${n}`);
  }
});

test('traceparent: valid, unsampled, later versions, and invalid ones', () => {
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';
  const span = '00f067aa0ba902b7';
  assert.deepEqual(parseTraceparent(`00-${id}-${span}-01`, 'a=1, b=2'), {
    traceId: id,
    spanId: span,
    sampled: true,
    traceState: 'a=1, b=2',
  });
  assert.deepEqual(parseTraceparent(`00-${id}-${span}-00`, undefined), { traceId: id, spanId: span, sampled: false });
  assert.equal(parseTraceparent(`01-${id}-${span}-01-more`, undefined)?.sampled, true);
  for (const bad of [
    `00-${id}-${span}-01-more`,
    `ff-${id}-${span}-01`,
    `00-${'0'.repeat(32)}-${span}-01`,
    `00-${id}-${'0'.repeat(16)}-01`,
    `00-${id.toUpperCase()}-${span}-01`,
    `00-${id}-${span}`,
    'garbage',
  ])
    assert.equal(parseTraceparent(bad, undefined), undefined, bad);
  assert.equal(parseTraceparent(undefined, undefined), undefined);
});
