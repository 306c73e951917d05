// A request refused before its body is read does not park the connection: the upload is read
// and the next request on the same keep-alive connection is answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

test('a 415 with a large body leaves the connection usable (the upload is read, not parked)', async (t) => {
  const h = await proxyHarness(t);
  const { port } = new URL(h.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const call = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path,
          agent,
          headers: { authorization: `Bearer ${CLIENT_KEY}`, ...headers },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.setTimeout(5000, () => req.destroy(new Error('no answer within 5 s')));
      req.on('error', reject);
      req.end(body);
    });
  assert.equal(
    await call('POST', '/v1/chat/completions', { 'content-type': 'text/plain' }, Buffer.alloc(1_000_000, 0x61)),
    415,
  );
  assert.equal(await call('GET', '/v1/models', {}), 200, 'the next request on the same keep-alive pool is answered');
});
