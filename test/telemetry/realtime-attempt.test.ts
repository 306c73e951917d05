// A realtime session — a WebSocket upgrade, outside Fastify's request hooks — is traced like any
// client request: one request span for the session, ended when the session is counted, with one
// attempt span for the upstream handshake, whose own context Foundry received as traceparent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CLIENT_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';
import { tracedProxy } from '../harness/traced-proxy.js';

test('a realtime session gives a request span with one handshake attempt whose context reached Foundry', async (t) => {
  const { h, flush, callTrace } = await tracedProxy(t, 'http/protobuf');
  const ws = new WebSocket(`${h.url.replace('http:', 'ws:')}/v1/realtime?model=gpt-4o-mini`, {
    headers: { authorization: `Bearer ${CLIENT_KEY}` },
  });
  const first = await new Promise<string>((resolve, reject) => {
    ws.once('message', (data) => resolve((JSON.parse(String(data)) as { type: string }).type));
    ws.once('error', reject);
  });
  assert.equal(first, 'session.created');
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.close(1000);
  assert.equal(await closed, 1000);
  await waitUntil(async () => (await h.stats()).totals.requests === 1, 5000, 'the session to be counted');
  await flush();
  const { span, attempts, contexts, received } = callTrace('GET /v1/realtime', '/openai/v1/realtime');
  assert.equal(span.attributes['gateway.attempts'], 1);
  assert.equal(span.attributes['gateway.target'], 'foundry/dep-4o-mini');
  assert.equal(span.attributes['gateway.key.id'], 'main');
  assert.equal(span.attributes['http.response.status_code'], 101);
  assert.deepEqual(attempts, [['call dep-4o-mini', 'foundry/dep-4o-mini', 101, 0]]);
  assert.equal(received.length, 1);
  assert.deepEqual(received, contexts);
});
