/**
 * Slow clients are cut off (server.caddy.timeouts → Caddy's `servers { timeouts }`, and the
 * proxy's own read limits derived from them): a TLS handshake left half-way, trickled headers, a
 * trickled body and a declared body that never comes are all closed soon after the configured
 * time, through Caddy and straight to the proxy, while a stream that lasts longer than every one
 * of those limits still completes (streams are responses, not requests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import tls from 'node:tls';
import { startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';
import { slowClient, type SlowKind } from '../harness/slow-client.js';

/** Short limits so the test is quick: headers 1 s, whole request 2 s. */
const TIMEOUTS = { readHeaderMs: 1_000, readBodyMs: 2_000, idleMs: 5_000 };
/** Far longer than any limit above: a connection still open then was never going to be closed. */
const GIVE_UP_MS = 12_000;
const KINDS: SlowKind[] = ['handshake', 'silent', 'headers', 'body', 'no-body'];

const streamBody = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] });

test('slow clients are cut off through Caddy and straight to the proxy; long streams are not', { timeout: 90_000 }, async (t) => {
  const stack = await startAdminStack(t, {
    caddy: true,
    configure: (c) => {
      ((c.server as Record<string, unknown>).caddy as Record<string, unknown>).timeouts = TIMEOUTS;
    },
  });
  const viaCaddy = { port: stack.ports.httpsPort, tls: { ca: stack.ca, servername: 'localhost' }, giveUpMs: GIVE_UP_MS, headers: { authorization: `Bearer ${CLIENT_KEY}` } };
  const direct = { port: Number(new URL(stack.harness.url).port), giveUpMs: GIVE_UP_MS, headers: { authorization: `Bearer ${CLIENT_KEY}` } };
  const [caddy, proxy] = await Promise.all([
    Promise.all(KINDS.map((k) => slowClient(k, viaCaddy))),
    Promise.all((['silent', 'headers', 'body', 'no-body'] as const).map((k) => slowClient(k, direct))),
  ]);
  // Before the limits existed each of these stayed open for as long as the client liked.
  assert.deepEqual(caddy.map((o) => [o.kind, o.closed]), KINDS.map((k) => [k, true]));
  assert.deepEqual(proxy.map((o) => [o.kind, o.closed]), ['silent', 'headers', 'body', 'no-body'].map((k) => [k, true]));
  // The proxy answers a request whose body never came with 408 once its own limit (2 s + 1 s) passed.
  assert.equal(proxy.find((o) => o.kind === 'no-body')?.status, 408);
  assert.equal(stack.harness.sim.requests.length, 0, 'nothing half-received was sent upstream');

  // A stream of 4 s (twice the request limit) completes over HTTP/1.1 and HTTP/2 through Caddy.
  stack.harness.sim.setDefault({ kind: 'slowChunks', intervalMs: 200, chunks: 20 });
  const h1 = await stack.viaCaddy('/v1/chat/completions', { method: 'POST', key: CLIENT_KEY, headers: { 'content-type': 'application/json' }, body: streamBody });
  assert.equal(h1.status, 200);
  assert.ok(h1.body.endsWith('data: [DONE]\n\n'), 'HTTP/1.1 stream complete');
  const port = stack.ports.httpsPort;
  const session = http2.connect(`https://localhost:${port}`, { createConnection: () => tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: stack.ca, ALPNProtocols: ['h2'] }) });
  t.after(() => session.close());
  const h2 = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': '/v1/chat/completions', authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' });
    let status = 0;
    let body = '';
    req.on('response', (h) => (status = Number(h[':status'])));
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => resolve({ status, body }));
    req.on('error', reject);
    req.end(streamBody);
  });
  assert.equal(h2.status, 200);
  assert.ok(h2.body.endsWith('data: [DONE]\n\n'), 'HTTP/2 stream complete');
});
