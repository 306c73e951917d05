/**
 * CSRF defence without tokens: a browser's state-changing request must be same-origin (Origin with
 * its scheme, Sec-Fetch-Site, X-Forwarded-Host and -Proto behind Caddy); scripts that send no
 * Origin pass.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../../common/password-hash.js';
import { basic } from '../harness/admin-stack.js';
import { startAdminApp } from '../harness/admin-app.js';

const PASSWORD = 'pw-for-auth-tests-0123';

test('browsers must be same-origin for state-changing requests; scripts without Origin pass', async (t) => {
  const { app } = await startAdminApp(t, {
    enabled: true,
    username: 'ops',
    passwordHash: await hashPassword(PASSWORD),
  });
  const auth = { authorization: basic('ops', PASSWORD) };
  // Revoking a key that does not exist: 404 once past the guards, without touching Caddy.
  // As Caddy forwards a browser's HTTPS request: X-Forwarded-Proto says the scheme it used.
  const revoke = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/admin/api/keys/nobody/revoke',
      headers: { ...auth, host: 'gw.example.com', 'x-forwarded-proto': 'https', ...headers },
    });
  const code = async (headers: Record<string, string>) => {
    const r = await revoke(headers);
    return r.statusCode === 403 ? `403 ${r.json<{ error: { code: string } }>().error.code}` : String(r.statusCode);
  };
  assert.equal(await code({ origin: 'https://evil.example' }), '403 cross_origin_refused');
  assert.equal(
    await code({ origin: 'https://gw.example.com:8443' }),
    '403 cross_origin_refused',
    'another port is another origin',
  );
  assert.equal(
    await code({ origin: 'http://gw.example.com' }),
    '403 cross_origin_refused',
    'another scheme is another origin',
  );
  assert.equal(
    await code({ origin: 'https://gw.example.com', 'x-forwarded-proto': 'http' }),
    '403 cross_origin_refused',
    'an HTTPS page cannot act on a plain-HTTP request',
  );
  assert.equal(await code({ origin: 'null' }), '403 cross_origin_refused');
  assert.equal(await code({ 'sec-fetch-site': 'cross-site' }), '403 cross_origin_refused');
  assert.equal(
    await code({ 'sec-fetch-site': 'same-site', origin: 'https://gw.example.com' }),
    '403 cross_origin_refused',
  );
  assert.equal(await code({ origin: 'https://gw.example.com' }), '404');
  assert.equal(await code({ origin: 'https://gw.example.com', 'sec-fetch-site': 'same-origin' }), '404');
  assert.equal(await code({ origin: 'https://gw.example.com:443', host: 'gw.example.com:443' }), '404');
  assert.equal(
    await code({
      origin: 'https://public.example:8443',
      host: '127.0.0.1:3001',
      'x-forwarded-host': 'public.example:8443',
    }),
    '404',
    'behind Caddy, X-Forwarded-Host names the site',
  );
  assert.equal(await code({}), '404', 'curl sends neither header');
  const crossGet = await app.inject({
    method: 'GET',
    url: '/admin/api/keys',
    headers: { ...auth, origin: 'https://evil.example' },
  });
  assert.equal(crossGet.statusCode, 200, 'reads are not state-changing (and CORS keeps their answers from the page)');
});
