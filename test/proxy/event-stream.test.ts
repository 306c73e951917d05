// The stream core on its own, behind a real Fastify listener on loopback, fed by a synthetic
// upstream body: backpressure from a client that stops reading reaches the upstream; a failure
// mid-stream is closed by the transform's own frames; a client that leaves destroys the upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import {
  relayEventStream,
  type EventTransform,
  type StreamEnd,
  type StreamFailure,
} from '../../proxy/relay/event-stream.js';
import type { UpstreamExchange } from '../../proxy/upstream/call.js';

interface Served {
  port: number;
  ended: Promise<StreamEnd>;
  failures: (StreamFailure | undefined)[];
  upstreamErrors: number;
}

/** Serves one GET / that relays `source` through the core with a pass-everything transform. */
async function serve(t: { after: (fn: () => Promise<void>) => void }, source: Readable): Promise<Served> {
  const app = Fastify();
  let settle: (end: StreamEnd) => void = () => undefined;
  const served: Served = { port: 0, ended: new Promise((r) => (settle = r)), failures: [], upstreamErrors: 0 };
  const transform: EventTransform = {
    events: { drop: () => false },
    end: (failure) => {
      served.failures.push(failure);
      return failure ? [`data: failed: ${failure.message}\n\n`] : ['data: [DONE]\n\n'];
    },
  };
  app.get('/', async (req, reply) => {
    const exchange = {
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: source as UpstreamExchange['body'],
      signal: new AbortController().signal,
    };
    settle(
      await relayEventStream(exchange, reply, transform, {
        log: req.log,
        onUpstreamError: () => void served.upstreamErrors++,
      }),
    );
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.after(() => app.close());
  served.port = (app.server.address() as { port: number }).port;
  return served;
}

/** Resolves at the response headers, which go out with the first bytes of the body. */
function get(port: number): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) =>
    http.get({ host: '127.0.0.1', port, path: '/' }, resolve).on('error', reject),
  );
}

test('a client that stops reading stops the upstream being read; once it reads again it gets every byte', async (t) => {
  const EVENT = `data: ${'x'.repeat(64 * 1024 - 8)}\n\n`;
  const TOTAL = 1024; // 64 MiB: far more than socket and stream buffers hold
  let produced = 0;
  const source = new Readable({
    read() {
      if (produced === TOTAL) return void this.push(null);
      produced++;
      this.push(EVENT);
    },
  });
  const served = await serve(t, source);
  const res = await get(served.port);
  res.pause();
  // Wait until the buffers on the way are full and the source is no longer pulled.
  let last = -1;
  while (produced !== last) {
    last = produced;
    await sleep(200);
  }
  assert.ok(
    produced < TOTAL / 2,
    `the upstream was read ${produced} of ${TOTAL} events ahead of a client that reads nothing`,
  );
  let received = 0;
  res.on('data', (c: Buffer) => (received += c.length));
  res.resume();
  await once(res, 'end');
  assert.equal(received, TOTAL * EVENT.length + 'data: [DONE]\n\n'.length);
  assert.equal(await served.ended, 'complete');
  assert.deepEqual(served.failures, [undefined]);
});

test("an upstream failure mid-stream: whole events, then the transform's closing frame for that failure", async (t) => {
  const source = new Readable({ read() {} });
  // One chunk: once the client has the whole event, the tap holds the half one.
  source.push('data: one\n\ndata: tw');
  const served = await serve(t, source);
  const res = await get(served.port);
  source.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  let text = '';
  for await (const c of res) text += String(c);
  assert.equal(text, 'data: one\n\ndata: failed: connection reset\n\n');
  assert.equal(await served.ended, 'upstream_error');
  assert.deepEqual(served.failures, [{ message: 'connection reset', timeout: false }]);
  assert.equal(served.upstreamErrors, 1);
});

test('a client that leaves: the upstream body is destroyed and nothing closes the stream for it', async (t) => {
  const source = new Readable({ read() {} });
  source.push('data: one\n\n');
  const served = await serve(t, source);
  const res = await get(served.port);
  await once(res, 'data');
  res.destroy();
  await once(source, 'close');
  assert.equal(await served.ended, 'client_aborted');
  assert.deepEqual(served.failures, []);
  assert.equal(served.upstreamErrors, 0);
});
