// The loopback guard fails every connection that could leave the machine, before DNS, and lets
// loopback through. Imported directly so the test holds without the runner's --import preload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { request as undiciRequest } from 'undici';
import { LOOPBACK_GUARD_ERROR_CODE, LOOPBACK_GUARD_MESSAGE_PREFIX, isLoopbackHost } from './loopback-guard.js';

function causeMessage(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

async function startEcho(t: { after(fn: () => Promise<void>): void }): Promise<number> {
  const server = http.createServer((_req, res) => res.end('loopback ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return (server.address() as AddressInfo).port;
}

test('fetch to the Azure metadata address fails with the guard message', async () => {
  await assert.rejects(fetch('http://169.254.169.254/metadata/identity/oauth2/token'), (err: unknown) => {
    assert.equal(causeMessage(err), `${LOOPBACK_GUARD_MESSAGE_PREFIX} 169.254.169.254:80`);
    return true;
  });
});

test('fetch to a public https name fails with the guard message', async () => {
  await assert.rejects(fetch('https://example.com/'), (err: unknown) => {
    assert.equal(causeMessage(err), `${LOOPBACK_GUARD_MESSAGE_PREFIX} example.com:443`);
    return true;
  });
});

test('undici request and node:http are blocked too', async () => {
  await assert.rejects(undiciRequest('http://10.1.2.3:8080/'), (err: unknown) => {
    assert.match(causeMessage(err), /^loopback-guard: blocked connection to 10\.1\.2\.3:8080$/);
    return true;
  });
  const httpError = await new Promise<Error & { code?: string }>((resolve) => {
    http.get('http://192.0.2.1/', () => resolve(new Error('unexpected response'))).on('error', resolve);
  });
  assert.equal(httpError.code, LOOPBACK_GUARD_ERROR_CODE);
  assert.equal(httpError.message, `${LOOPBACK_GUARD_MESSAGE_PREFIX} 192.0.2.1:80`);
});

test('the host is never looked up', async () => {
  let lookups = 0;
  const socket = net.connect({
    host: 'guard-test.example.org',
    port: 443,
    lookup: (() => {
      lookups += 1;
    }) as unknown as net.LookupFunction,
  });
  const err = await new Promise<Error>((resolve) => socket.once('error', resolve));
  assert.equal(err.message, `${LOOPBACK_GUARD_MESSAGE_PREFIX} guard-test.example.org:443`);
  assert.equal(lookups, 0);
});

test('loopback connections work: 127.0.0.1, localhost, port/host form', async (t) => {
  const port = await startEcho(t);
  assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'loopback ok');
  assert.equal(await (await fetch(`http://localhost:${port}/`)).text(), 'loopback ok');
  const viaUndici = await undiciRequest(`http://127.0.0.1:${port}/`);
  assert.equal(await viaUndici.body.text(), 'loopback ok');
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.destroy();
});

test('isLoopbackHost knows loopback from everything else', () => {
  for (const host of [
    '127.0.0.1',
    '127.8.9.10',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    'localhost',
    'LOCALHOST.',
    'api.localhost',
    '0.0.0.0',
  ]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of [
    '169.254.169.254',
    '10.0.0.1',
    '::2',
    '::ffff:10.0.0.1',
    'example.com',
    'localhost.example.com',
    '128.0.0.1',
  ]) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});
