// An apply reloads Caddy's configuration, which would close open WebSockets at once: Caddy keeps
// realtime sessions (`stream_close_delay`) across a forced reload, and they go on working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { startCaddyFront } from '../harness/caddy-front.js';
import { httpRequest } from '../harness/caddy-process.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';

test("a realtime session through Caddy survives a reload of Caddy's configuration", { timeout: 60_000 }, async (t) => {
  const front = await startCaddyFront(t);
  const ws = new WebSocket(`${front.url.replace('https:', 'wss:')}/v1/realtime?model=gpt-4o-mini`, {
    ca: front.ca,
    headers: { 'api-key': CLIENT_KEY },
  });
  t.after(() => ws.terminate());
  let closed: number | undefined;
  ws.once('close', (code) => (closed = code));
  const events: string[] = [];
  const responses = new Set<() => void>();
  ws.on('message', (data) => {
    const type = (JSON.parse(String(data)) as { type: string }).type;
    events.push(type);
    if (type === 'response.done') for (const resolve of responses) resolve();
  });
  const exchange = () =>
    new Promise<void>((resolve) => {
      responses.add(resolve);
      ws.send(JSON.stringify({ type: 'response.create' }));
    });
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });

  // Load the running configuration again, forced, as the apply's rollback does.
  const admin = { host: `localhost:${front.caddyAdminPort}` };
  const running = await httpRequest(front.caddyAdminPort, '/config/', { headers: admin });
  const loaded = await httpRequest(front.caddyAdminPort, '/load', {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json', 'cache-control': 'must-revalidate' },
    body: running.body,
  });
  assert.equal(loaded.status, 200, loaded.body);

  await exchange();
  assert.equal(closed, undefined);
  assert.equal(events.filter((e) => e === 'response.done').length, 1);
});
