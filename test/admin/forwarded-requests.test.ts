/**
 * With admin auth disabled the admin trusts only local requests: anything Caddy forwarded, and
 * any request under a non-loopback host name (DNS rebinding), is refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getKeys as get, startAdminApp } from '../harness/admin-app.js';

test('with admin auth disabled, requests forwarded by Caddy are refused', async (t) => {
  const { app } = await startAdminApp(t, { enabled: false });
  assert.equal((await get(app)).statusCode, 200, 'a local request needs no login');
  for (const header of ['x-forwarded-for', 'via', 'forwarded']) {
    const r = await get(app, { [header]: '198.51.100.1' });
    assert.equal(r.statusCode, 403, header);
    assert.equal(r.json<{ error: { code: string } }>().error.code, 'forwarded_request_refused');
  }
  // DNS rebinding: a page steers the operator's browser to 127.0.0.1 under its own name.
  const rebound = await app.inject({
    method: 'POST',
    url: '/admin/api/keys/nobody/revoke',
    headers: { host: 'rebind.attacker.example:3001', origin: 'http://rebind.attacker.example:3001' },
  });
  assert.equal(rebound.statusCode, 403);
  for (const host of ['127.0.0.1:3001', 'localhost:3001', '[::1]:3001'])
    assert.equal((await get(app, { host })).statusCode, 200, host);
});
