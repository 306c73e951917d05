// Only an allow-list of request headers goes upstream (no Azure credential headers of the
// client's), and the request ids come back to the client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('headers: an allow-list goes upstream (no Azure credential headers), Azure ids come back', async (t) => {
  const h = await proxyHarness(t);
  const res = await h.postChat(HELLO, {
    headers: {
      'x-ms-authorization-auxiliary': 'Bearer other-tenant-token',
      'ocp-apim-subscription-key': 'k',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-custom': 'drop me',
    },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
  assert.ok(res.headers.get('x-upstream-request-id'));
  const seen = h.sim.requests[0]!.headers;
  assert.equal(seen['x-ms-authorization-auxiliary'], undefined);
  assert.equal(seen['ocp-apim-subscription-key'], undefined);
  assert.equal(seen['x-custom'], undefined);
  assert.equal(seen.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  assert.equal(seen['x-request-id'], res.headers.get('x-request-id'));
  assert.equal(seen['x-ms-client-request-id'], res.headers.get('x-request-id'));
});
