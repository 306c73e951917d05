/**
 * Headers over the proxy's limit are answered 431 in OpenAI's shape with `Connection: close`, and
 * the connection then ends cleanly: what the client still sends is read, not reset.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { test } from 'node:test';
import { PROXY_MAX_HEADER_BYTES } from '../../common/runtime-env.js';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

test('oversized headers: a 431 in OpenAI shape, then a clean end of the connection', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  const socket = net.connect(Number(new URL(h.url).port), '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let error: string | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (received += c));
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code));
  const ended = once(socket, 'end');

  const big = 'k'.repeat(PROXY_MAX_HEADER_BYTES + 4096);
  socket.write(
    `GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${CLIENT_KEY}\r\nX-Big: ${big}\r\n`,
  );
  // More of the oversized request after the answer: it is read, not answered with a reset.
  for (let i = 0; i < 64; i++) socket.write(`X-More-${i}: ${'m'.repeat(4096)}\r\n`);
  socket.write('\r\n');
  await ended;
  socket.end();

  assert.equal(error, undefined);
  const [head = '', body = ''] = received.split('\r\n\r\n');
  assert.match(head, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  assert.match(head, /\r\nContent-Type: application\/json\r\n/);
  assert.match(head, /\r\nConnection: close(\r\n|$)/);
  assert.deepEqual(JSON.parse(body), {
    error: {
      message: `The request headers are larger than the limit of ${PROXY_MAX_HEADER_BYTES} bytes.`,
      type: 'invalid_request_error',
      param: null,
      code: 'request_headers_too_large',
    },
  });
});
