// A proxy that stops does not wait for Realtime sessions to end by themselves (they would keep
// its server from closing): it closes them with 1001 ("going away"), and the session is counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

test('stopping the proxy closes open realtime sessions with 1001', async (t) => {
  const h = await proxyHarness(t);
  const ws = new WebSocket(`${h.url.replace('http:', 'ws:')}/v1/realtime?model=gpt-4o-mini`, {
    headers: { 'api-key': CLIENT_KEY },
  });
  t.after(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await h.restart();
  assert.equal(await closed, 1001);
  // The sessions' usage was flushed with the rest at the stop.
  const stats = await h.stats();
  assert.equal(stats.byModel['gpt-4o-mini']?.requests, 1);
});
