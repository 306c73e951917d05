// A Realtime session outlives the read timeouts that bound how slowly a client may send an HTTP
// request (`server.caddy.timeouts`, applied by Caddy and by the proxy): those cover reading a
// request, and an upgraded connection is no request any more. Checked through Caddy with the
// timeouts cut to one and two seconds and a session kept busy for longer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startCaddyFront } from '../harness/caddy-front.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';
import { sleep } from '../harness/ports.js';

test('a realtime session through Caddy outlives readHeaderMs and readBodyMs', { timeout: 60_000 }, async (t) => {
  const front = await startCaddyFront(t, {
    configure: (config) => {
      const caddy = ((config.server as Record<string, unknown>).caddy ??= {}) as Record<string, unknown>;
      caddy.timeouts = { readHeaderMs: 1000, readBodyMs: 2000 };
    },
  });
  const ws = new WebSocket(`${front.url.replace('https:', 'wss:')}/v1/realtime?model=gpt-4o-mini`, {
    ca: front.ca,
    headers: { 'api-key': CLIENT_KEY },
  });
  t.after(() => ws.terminate());
  let closed: number | undefined;
  ws.once('close', (code) => (closed = code));
  const done: string[] = [];
  ws.on('message', (data) => {
    const event = JSON.parse(String(data)) as { type: string };
    if (event.type === 'response.done') done.push(event.type);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // Four exchanges spread over more than twice the longest read timeout.
  for (let i = 0; i < 4; i++) {
    await sleep(1200);
    ws.send(JSON.stringify({ type: 'response.create' }));
  }
  await sleep(500);
  assert.equal(closed, undefined, `the session was closed with ${closed}`);
  assert.equal(done.length, 4);
});
