/**
 * An answer sent before the request body was read (401 for a wrong key, 413 by declared length or
 * part-way through a chunked upload, 415 for a Content-Type that cannot be parsed) leaves the
 * connection clean: the client can finish sending the body without a reset, and the same
 * connection then serves the next request. A declared length beyond what Caddy forwards is read
 * up to that much too, then the connection is cut. Raw sockets, so every byte is under the test's
 * control.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

const BODY_LIMIT = 2_097_152;

/** A raw HTTP/1.1 connection that collects what the server sends and notes how it ended. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let ended: 'open' | 'end' | 'error' = 'open';
  let writeError: string | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (received += c));
  socket.on('end', () => (ended = 'end'));
  socket.on('error', (e: NodeJS.ErrnoException) => {
    ended = 'error';
    writeError = e.code;
  });
  const waitFor = async (re: RegExp, what: string) => {
    const deadline = Date.now() + 10_000;
    while (!re.test(received)) {
      if (Date.now() > deadline || ended !== 'open')
        throw new Error(`no ${what}; got ${JSON.stringify(received.slice(0, 300))} (${ended})`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return {
    socket,
    received: () => received,
    ended: () => ended,
    writeError: () => writeError,
    waitFor,
    /** Writes `total` bytes of body in 16 KiB pieces, waiting for the socket to take each. */
    async sendBody(total: number) {
      const piece = Buffer.alloc(16_384, 0x61);
      for (let sent = 0; sent < total && !socket.destroyed; sent += piece.length) {
        if (!socket.write(piece.subarray(0, Math.min(piece.length, total - sent)))) await once(socket, 'drain');
      }
    },
  };
}

const post = (length: number, auth: string, type = 'application/json') =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${auth}\r\nContent-Type: ${type}\r\nContent-Length: ${length}\r\n\r\n`;
const models = `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${CLIENT_KEY}\r\n\r\n`;

test('an early 401, 413 or 415 is sent at once, the rest of the upload is read, the connection serves on', async (t) => {
  const h = await startProxyHarness({ envBodyLimit: BODY_LIMIT });
  t.after(() => h.close());
  const port = Number(new URL(h.url).port);

  // The 415: a Content-Type Fastify cannot parse is refused after the body-limit counter was piped
  // in but before any parser reads it (found by the soak's fuzzer: that pipe stalled the drain).
  const cases = [
    [401, 1_000_000, 'sk-wrong-key', 'application/json'],
    [413, BODY_LIMIT + 1, CLIENT_KEY, 'application/json'],
    [415, 1_000_000, CLIENT_KEY, 'application/json, text/plain'],
  ] as const;
  for (const [status, length, auth, type] of cases) {
    const c = await connect(port);
    c.socket.write(post(length, auth, type));
    // The answer comes before the body: the client has sent none of it yet.
    await c.waitFor(new RegExp(`^HTTP/1\\.1 ${status} `), `${status} before the body`);
    assert.doesNotMatch(c.received(), /connection: close/i, 'kept alive: the upload is drained, not cut');
    await c.sendBody(length);
    c.socket.write(models);
    await c.waitFor(
      /HTTP\/1\.1 200 OK[\s\S]*"object":"list"/,
      `the next answer on the same connection after ${status}`,
    );
    assert.equal(c.writeError(), undefined, 'the whole upload was taken without a reset');
    assert.equal(c.ended(), 'open');
    c.socket.destroy();
  }
});

test('a chunked upload refused part-way (413) is drained too, and the connection serves on', async (t) => {
  const h = await startProxyHarness({ envBodyLimit: 4096 });
  t.after(() => h.close());
  const c = await connect(Number(new URL(h.url).port));
  c.socket.write(
    `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${CLIENT_KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
  );
  const chunk = `4000\r\n${'a'.repeat(0x4000)}\r\n`;
  c.socket.write(chunk);
  await c.waitFor(/^HTTP\/1\.1 413 /, 'a 413 once the limit is passed');
  assert.doesNotMatch(c.received(), /connection: close/i, 'kept alive: the upload is drained, not cut');
  for (let i = 0; i < 32; i++) c.socket.write(chunk);
  c.socket.write('0\r\n\r\n');
  c.socket.write(models);
  await c.waitFor(/HTTP\/1\.1 200 OK[\s\S]*"object":"list"/, 'the next answer on the same connection');
  assert.equal(c.writeError(), undefined);
  c.socket.destroy();
});

test('a declared length beyond what Caddy forwards is answered, read as far as Caddy forwards, then cut', async (t) => {
  const h = await startProxyHarness({ envBodyLimit: BODY_LIMIT });
  t.after(() => h.close());
  const c = await connect(Number(new URL(h.url).port));
  const caddyForwardsAtMost = BODY_LIMIT + 1_048_576;
  c.socket.write(post(caddyForwardsAtMost + 1_000_000, CLIENT_KEY));
  await c.waitFor(/^HTTP\/1\.1 413 [\s\S]*request_too_large"}}$/, 'the whole 413, sent at once');
  assert.doesNotMatch(c.received(), /connection: close/i);
  // What Caddy would send before refusing the body itself is read: no reset under its write (a 502).
  await c.sendBody(caddyForwardsAtMost);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(c.ended(), 'open');
  assert.equal(c.writeError(), undefined);
  // Past it, the connection is cut.
  await c.sendBody(1_000_000);
  const deadline = Date.now() + 10_000;
  while (c.ended() === 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.notEqual(c.ended(), 'open');
});
