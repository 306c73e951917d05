// A Realtime session through Caddy with the `ws` package as the client: the key is checked before
// the upgrade in each form clients use (the `api-key` header, Azure's `api-key` query parameter,
// OpenAI's key subprotocol), the upstream gets the gateway's Entra token instead, events flow
// both ways, the session's usage is counted when it closes, and no key reaches Caddy's log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { startCaddyFront } from '../harness/caddy-front.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Event = { type: string; delta?: string; response?: { usage?: { total_tokens?: number } } };

/** Opens a session, has one exchange, closes it; resolves with the reply text and the done event. */
async function converse(
  url: string,
  ca: string,
  opts: { headers?: Record<string, string>; protocols?: string[] },
  say: string,
): Promise<{ text: string; done: Event; protocol: string }> {
  const ws = new WebSocket(url, opts.protocols ?? [], { ca, headers: opts.headers });
  const events: Event[] = [];
  const done = new Promise<Event>((resolve, reject) => {
    ws.on('message', (data) => {
      const event = JSON.parse(String(data)) as Event;
      events.push(event);
      if (event.type === 'session.created') {
        ws.send(
          JSON.stringify({
            type: 'conversation.item.create',
            item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: say }] },
          }),
        );
        ws.send(JSON.stringify({ type: 'response.create' }));
      }
      if (event.type === 'response.done') resolve(event);
    });
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
  });
  const last = await done;
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.close(1000, 'bye');
  assert.equal(await closed, 1000);
  const text = events
    .filter((e) => e.type.endsWith('text.delta'))
    .map((e) => e.delta ?? '')
    .join('');
  return { text, done: last, protocol: ws.protocol };
}

test(
  'realtime through Caddy: key forms checked before the upgrade, events relayed, usage counted, keys kept out of logs',
  { timeout: 60_000 },
  async (t) => {
    const front = await startCaddyFront(t);
    const wss = front.url.replace('https:', 'wss:');

    const byHeader = await converse(
      `${wss}/openai/v1/realtime?model=gpt-4o-mini`,
      front.ca,
      { headers: { 'api-key': CLIENT_KEY } },
      'header key',
    );
    assert.equal(byHeader.text, 'Echo: header key');
    const upstream = front.harness.sim.requests.find((r) => r.operation === 'realtime');
    assert.equal(upstream?.path, '/openai/v1/realtime?model=dep-4o-mini');
    assert.equal(upstream?.headers['api-key'], undefined);
    assert.match(upstream?.headers.authorization ?? '', /^Bearer /);
    assert.deepEqual(upstream?.events, ['conversation.item.create', 'response.create']);

    const byQuery = await converse(
      `${wss}/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-mini&api-key=${CLIENT_KEY}`,
      front.ca,
      {},
      'query key',
    );
    assert.equal(byQuery.text, 'Echo: query key');

    const byProtocol = await converse(
      `${wss}/v1/realtime?model=gpt-4o-mini`,
      front.ca,
      { protocols: ['realtime', `openai-insecure-api-key.${CLIENT_KEY}`] },
      'protocol key',
    );
    assert.equal(byProtocol.text, 'Echo: protocol key');
    assert.equal(byProtocol.protocol, 'realtime', 'the key-carrying subprotocol is never echoed');

    const sessionsUpstream = front.harness.sim.requests.filter((r) => r.operation === 'realtime').length;
    const refused = await converse(
      `${wss}/v1/realtime?model=gpt-4o-mini`,
      front.ca,
      { headers: { 'api-key': 'wrong' } },
      'x',
    ).catch((e: unknown) => e);
    assert.match(String(refused), /refused with 401/);
    assert.equal(
      front.harness.sim.requests.filter((r) => r.operation === 'realtime').length,
      sessionsUpstream,
      'a refused key never reaches Azure',
    );

    const perSession = byHeader.done.response?.usage?.total_tokens ?? 0;
    assert.ok(perSession > 0);
    // Three sessions and one refusal (an unknown key names no model yet).
    await waitUntil(
      async () => (await front.harness.stats()).totals.requests === 4,
      5000,
      'the sessions to be counted',
    );
    const report = await front.harness.stats();
    assert.equal(report.totals.s4xx, 1);
    const stats = report.byModel['gpt-4o-mini'];
    assert.equal(stats?.requests, 3);
    assert.equal(
      stats?.totalTokens,
      byHeader.done.response!.usage!.total_tokens! +
        byQuery.done.response!.usage!.total_tokens! +
        byProtocol.done.response!.usage!.total_tokens!,
    );

    await waitUntil(
      async () => (await readFile(front.logFile, 'utf8')).includes('/openai/realtime'),
      5000,
      'Caddy to log the sessions',
    );
    assert.doesNotMatch(await readFile(front.logFile, 'utf8'), new RegExp(CLIENT_KEY));
  },
);
