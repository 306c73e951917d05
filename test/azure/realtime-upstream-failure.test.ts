// When Azure fails a Realtime session the client gets a clean answer: a refused handshake (429)
// is passed on as that HTTP answer before any upgrade, with Azure's body and retry-after; a
// connection that drops mid-session closes the client with 1014 (bad gateway), counted as a 502.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

test("realtime: a refused handshake is the upstream's HTTP answer; a dropped session closes the client with 1014", async (t) => {
  const h = await proxyHarness(t);
  // Two models: the 429 leaves its deployment cooling down for its retry-after.
  const url = (model: string) => `${h.url.replace('http:', 'ws:')}/openai/v1/realtime?model=${model}`;

  const refused = await new Promise<{ status: number; retryAfter: unknown; body: string }>((resolve, reject) => {
    const ws = new WebSocket(url('gpt-4o-mini'), {
      headers: { 'api-key': CLIENT_KEY, 'x-sim-scenario': JSON.stringify({ kind: 'status', status: 429 }) },
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res
        .setEncoding('utf8')
        .on('data', (c: string) => (body += c))
        .once('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('error', () => undefined);
  });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.retryAfter) >= 1);
  assert.match(
    (JSON.parse(refused.body) as { error: { message: string } }).error.message,
    /Realtime_Connect Operation/,
  );

  const dropped = await new Promise<{ code: number; reason: string; events: string[] }>((resolve) => {
    const ws = new WebSocket(url('gpt-5-mini'), {
      headers: { 'api-key': CLIENT_KEY, 'x-sim-scenario': JSON.stringify({ kind: 'dropMidStream', afterChunks: 3 }) },
    });
    const events: string[] = [];
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as { type: string };
      events.push(event.type);
      if (event.type === 'session.created') {
        ws.send(
          JSON.stringify({
            type: 'conversation.item.create',
            item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'cut me off' }] },
          }),
        );
        ws.send(JSON.stringify({ type: 'response.create' }));
      }
    });
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), events }));
  });
  assert.equal(dropped.code, 1014);
  assert.equal(dropped.reason, 'upstream connection failed');
  assert.deepEqual(dropped.events, ['session.created', 'conversation.item.created', 'response.created']);

  await waitUntil(async () => (await h.stats()).totals.requests === 2, 5000, 'both sessions to be counted');
  const stats = (await h.stats()).byModel;
  assert.equal(stats['gpt-4o-mini']?.s429, 1);
  assert.equal(stats['gpt-5-mini']?.s5xx, 1);
});
