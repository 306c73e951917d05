/**
 * Admin login and request guards, on the admin app alone (config in a temp dir): HTTP Basic with
 * scrypt or the original plaintext password, no working default password, throttling of failed
 * logins per client IP (X-Forwarded-For from Caddy), the same-origin check for browsers, and the
 * refusal of forwarded requests when admin auth is disabled.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { loggerOptions } from '../../common/logger.js';
import { hashPassword } from '../../common/password-hash.js';
import { buildAdmin } from '../../admin/app.js';
import { CaddyClient } from '../../admin/caddy/client.js';
import { ConfigStore } from '../../admin/config/store.js';
import { LoginThrottle } from '../../admin/auth/login-throttle.js';
import { ProxyClient } from '../../admin/proxy-client.js';
import { basic } from '../harness/admin-stack.js';

const PASSWORD = 'pw-for-auth-tests-0123';

async function adminWith(t: TestContext, adminAuth: Record<string, unknown>): Promise<{ app: FastifyInstance; logs: string[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-admin-auth-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ server: { adminAuth, healthKey: 'health-key-0123456789abcdef' } }));
  const logs: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, done) => (logs.push(c.toString()), done()) });
  const app = buildAdmin({
    store: new ConfigStore(dir),
    caddy: new CaddyClient('localhost:1'),
    proxy: new ProxyClient('http://127.0.0.1:1'),
    renderEnv: { adminAddress: 'localhost:1', storageRoot: path.join(dir, 'caddy'), logFile: path.join(dir, 'caddy.log'), proxyPort: 3, adminPort: 4, httpsPort: 5, httpPort: 6, dnsModules: [] },
    logger: pino(loggerOptions('admin', 'debug'), sink),
  });
  t.after(() => app.close());
  return { app, logs };
}

const get = (app: FastifyInstance, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: '/admin/api/keys', headers });

test('HTTP Basic login against a scrypt hash, throttled per client IP', async (t) => {
  const { app, logs } = await adminWith(t, { enabled: true, username: 'ops', passwordHash: await hashPassword(PASSWORD) });

  const none = await get(app);
  assert.equal(none.statusCode, 401);
  assert.equal(none.headers['www-authenticate'], 'Basic realm="gateway admin", charset="UTF-8"');
  assert.equal(none.json<{ error: { code: string } }>().error.code, 'authentication_required');
  assert.equal((await get(app, { authorization: basic('ops', PASSWORD) })).statusCode, 200);
  assert.equal((await get(app, { authorization: basic('admin', PASSWORD) })).statusCode, 401, 'the user name matters');

  const attacker = { 'x-forwarded-for': '203.0.113.7' };
  for (let i = 1; i <= 5; i++) {
    const r = await get(app, { ...attacker, authorization: basic('ops', `guess-${i}`) });
    assert.equal(r.statusCode, 401, `attempt ${i}`);
  }
  const sixth = await get(app, { ...attacker, authorization: basic('ops', PASSWORD) });
  assert.equal(sixth.statusCode, 429, 'blocked even with the right password');
  assert.equal(sixth.json<{ error: { code: string; type: string } }>().error.code, 'too_many_failed_logins');
  assert.ok(Number(sixth.headers['retry-after']) >= 29 && Number(sixth.headers['retry-after']) <= 30);
  assert.equal((await get(app, { 'x-forwarded-for': '203.0.113.8', authorization: basic('ops', PASSWORD) })).statusCode, 200, 'other addresses are not blocked');

  const log = logs.join('');
  assert.match(log, /failed admin login/);
  assert.match(log, /"ip":"203\.0\.113\.7"/);
  assert.ok(!log.includes(PASSWORD) && !log.includes('guess-'), 'passwords are never logged');
});

test('the throttle blocks for longer after every further failure, up to its cap', () => {
  let now = 0;
  const throttle = new LoginThrottle({ maxFailures: 5, windowMs: 300_000, baseBlockMs: 30_000, maxBlockMs: 120_000, maxEntries: 3 }, () => now);
  for (let i = 0; i < 4; i++) throttle.recordFailure('a');
  assert.equal(throttle.retryAfterMs('a'), 0);
  throttle.recordFailure('a');
  assert.equal(throttle.retryAfterMs('a'), 30_000);
  now += 30_000;
  throttle.recordFailure('a');
  assert.equal(throttle.retryAfterMs('a'), 60_000);
  now += 60_000;
  throttle.recordFailure('a');
  assert.equal(throttle.retryAfterMs('a'), 120_000);
  now += 120_000;
  throttle.recordFailure('a');
  assert.equal(throttle.retryAfterMs('a'), 120_000, 'capped');
  now += 120_000 + 300_001;
  throttle.recordFailure('a');
  assert.equal(throttle.retryAfterMs('a'), 0, 'a quiet window starts the count again');
  throttle.recordSuccess('a');
  for (const ip of ['b', 'c', 'd', 'e']) throttle.recordFailure(ip);
  assert.equal(throttle.retryAfterMs('a'), 0);
});

test('the original plaintext password still works until a save hashes it', async (t) => {
  const { app } = await adminWith(t, { enabled: true, username: 'admin', password: PASSWORD });
  assert.equal((await get(app, { authorization: basic('admin', PASSWORD) })).statusCode, 200);
  assert.equal((await get(app, { authorization: basic('admin', 'admin') })).statusCode, 401);
});

test('enabled admin auth with no password refuses everyone and says to run init', async (t) => {
  const { app, logs } = await adminWith(t, { enabled: true, username: 'admin' });
  for (const authorization of [basic('admin', ''), basic('admin', 'admin'), basic('admin', 'change-me')]) {
    const r = await get(app, { authorization });
    assert.equal(r.statusCode, 401);
    assert.equal(r.json<{ error: { code: string } }>().error.code, 'admin_password_not_set');
  }
  assert.match(logs.join(''), /first-run\.txt/);
});

test('with admin auth disabled, requests forwarded by Caddy are refused', async (t) => {
  const { app } = await adminWith(t, { enabled: false });
  assert.equal((await get(app)).statusCode, 200, 'a local request needs no login');
  for (const header of ['x-forwarded-for', 'via', 'forwarded']) {
    const r = await get(app, { [header]: '198.51.100.1' });
    assert.equal(r.statusCode, 403, header);
    assert.equal(r.json<{ error: { code: string } }>().error.code, 'forwarded_request_refused');
  }
  // DNS rebinding: a page steers the operator's browser to 127.0.0.1 under its own name.
  const rebound = await app.inject({ method: 'POST', url: '/admin/api/keys/nobody/revoke', headers: { host: 'rebind.attacker.example:3001', origin: 'http://rebind.attacker.example:3001' } });
  assert.equal(rebound.statusCode, 403);
  for (const host of ['127.0.0.1:3001', 'localhost:3001', '[::1]:3001']) assert.equal((await get(app, { host })).statusCode, 200, host);
});

test('browsers must be same-origin for state-changing requests; scripts without Origin pass', async (t) => {
  const { app } = await adminWith(t, { enabled: true, username: 'ops', passwordHash: await hashPassword(PASSWORD) });
  const auth = { authorization: basic('ops', PASSWORD) };
  // Revoking a key that does not exist: 404 once past the guards, without touching Caddy.
  const revoke = (headers: Record<string, string>) => app.inject({ method: 'POST', url: '/admin/api/keys/nobody/revoke', headers: { ...auth, host: 'gw.example.com', ...headers } });
  const code = async (headers: Record<string, string>) => {
    const r = await revoke(headers);
    return r.statusCode === 403 ? `403 ${r.json<{ error: { code: string } }>().error.code}` : String(r.statusCode);
  };
  assert.equal(await code({ origin: 'https://evil.example' }), '403 cross_origin_refused');
  assert.equal(await code({ origin: 'https://gw.example.com:8443' }), '403 cross_origin_refused', 'another port is another origin');
  assert.equal(await code({ origin: 'null' }), '403 cross_origin_refused');
  assert.equal(await code({ 'sec-fetch-site': 'cross-site' }), '403 cross_origin_refused');
  assert.equal(await code({ 'sec-fetch-site': 'same-site', origin: 'https://gw.example.com' }), '403 cross_origin_refused');
  assert.equal(await code({ origin: 'https://gw.example.com' }), '404');
  assert.equal(await code({ origin: 'https://gw.example.com', 'sec-fetch-site': 'same-origin' }), '404');
  assert.equal(await code({ origin: 'https://gw.example.com:443', host: 'gw.example.com:443' }), '404');
  assert.equal(await code({ origin: 'https://public.example:8443', host: '127.0.0.1:3001', 'x-forwarded-host': 'public.example:8443' }), '404', 'behind Caddy, X-Forwarded-Host names the site');
  assert.equal(await code({}), '404', 'curl sends neither header');
  const crossGet = await app.inject({ method: 'GET', url: '/admin/api/keys', headers: { ...auth, origin: 'https://evil.example' } });
  assert.equal(crossGet.statusCode, 200, 'reads are not state-changing (and CORS keeps their answers from the page)');
});
