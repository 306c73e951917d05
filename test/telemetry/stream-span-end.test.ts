// A streamed request's span ends when the stream does: flushed while the stream is still
// running, no request span has been exported; once the last byte has arrived it has, spanning
// at least the paced stream's length, with the stream's finish reason and its usage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STREAM_REQUEST } from '../harness/proxy-harness.js';
import { tracedProxy } from '../harness/traced-proxy.js';
import { waitUntil } from '../harness/ports.js';

const CHUNKS = 8;
const INTERVAL_MS = 60;

test('a streamed request span ends after the last byte of the stream', async (t) => {
  const { h, flush, requestSpans } = await tracedProxy(t, 'http/protobuf');
  const paced = JSON.stringify({ kind: 'slowChunks', intervalMs: INTERVAL_MS, chunks: CHUNKS });
  const res = await h.postChat(STREAM_REQUEST, { headers: { 'x-sim-scenario': paced } });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.equal(first.done, false);
  await flush();
  assert.equal(requestSpans().length, 0, 'no request span while the stream runs');
  let text = Buffer.from(first.value!).toString('utf8');
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
  }
  assert.ok(text.endsWith('data: [DONE]\n\n'));
  // The proxy settles the request on its response's close, which follows the last byte: the
  // usage record, written on the same event, says when.
  await waitUntil(async () => (await h.stats()).totals.requests === 1, 5_000, 'the request to be recorded');
  await flush();
  const [span] = requestSpans();
  assert.ok(span, 'the request span arrived once the stream ended');
  assert.ok(span.endNs - span.startNs >= BigInt(CHUNKS * INTERVAL_MS) * 1_000_000n);
  assert.deepEqual(span.attributes['gen_ai.response.finish_reasons'], ['stop']);
  const totals = (await h.stats()).totals;
  assert.equal(span.attributes['gen_ai.usage.output_tokens'], totals.completionTokens);
  assert.equal(span.attributes['gen_ai.usage.input_tokens'], totals.promptTokens);
  assert.ok(totals.completionTokens > 0);
});
