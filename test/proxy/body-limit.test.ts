// The body limit holds for uploads without a length too: a chunked upload is cut off as soon as it
// passes the limit, not read whole first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

test('a chunked upload over the limit is cut off early with 413, not read whole', async (t) => {
  const h = await proxyHarness(t, { envBodyLimit: 4096 });
  const { port } = new URL(h.url);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/chat/completions',
      headers: {
        authorization: `Bearer ${CLIENT_KEY}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (err) => (written > 0 ? undefined : reject(err)));
    const pump = () => {
      while (written < 64 * 1024 * 1024 && !req.destroyed) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!req.destroyed) req.end();
    };
    pump();
  });
  assert.equal(status, 413);
  assert.ok(written < 16 * 1024 * 1024, `the proxy answered after ${written} bytes of a 64 MiB upload`);
  assert.equal(h.sim.requests.length, 0);
});
