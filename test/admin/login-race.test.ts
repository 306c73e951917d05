/**
 * The login throttle under racing guesses (admin/auth/login-throttle.ts): guesses that arrive
 * together (as on one HTTP/2 connection through Caddy) are counted when they start, so only the
 * first five are ever checked and the right password sent after them is refused; a
 * success does not wipe out failures made at the same time; and a renamed admin user stops
 * working at once, however recently it logged in.
 */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { hashPassword } from '../../common/password-hash.js';
import { LoginThrottle, type LoginAttempt } from '../../admin/auth/login-throttle.js';
import { basic } from '../harness/admin-stack.js';
import { startAdminAppWith } from '../harness/admin-app.js';

const PASSWORD = 'pw-for-race-tests-0123';

async function admin(t: Parameters<typeof startAdminAppWith>[0]) {
  return startAdminAppWith(t, {
    server: {
      adminAuth: { enabled: true, username: 'ops', passwordHash: await hashPassword(PASSWORD) },
      healthKey: 'health-key-0123456789abcdef',
    },
  });
}

test('90 guesses at once: five are checked, the other 85 get 429, and so does the right password after them', async (t) => {
  const { app, logs } = await admin(t);
  const from = { 'x-forwarded-for': '203.0.113.50' };
  const answers = await Promise.all(
    Array.from({ length: 90 }, (_, i) =>
      app.inject({
        method: 'GET',
        url: '/admin/api/keys',
        headers: { ...from, authorization: basic('ops', `guess-${i}`) },
      }),
    ),
  );
  const statuses = answers.map((a) => a.statusCode);
  assert.equal(statuses.filter((s) => s === 401).length, 5);
  assert.equal(statuses.filter((s) => s === 429).length, 85);
  assert.equal(logs.join('').split('failed admin login').length - 1, 5, 'five passwords were checked');
  const after = await app.inject({
    method: 'GET',
    url: '/admin/api/keys',
    headers: { ...from, authorization: basic('ops', PASSWORD) },
  });
  assert.equal(after.statusCode, 429, 'the right password does not get in');
});

test('a success does not erase failures made at the same time, only those that ended before it began', () => {
  const throttle = new LoginThrottle(
    { maxFailures: 5, windowMs: 300_000, baseBlockMs: 30_000, maxBlockMs: 120_000, maxEntries: 100 },
    () => 0,
  );
  const start = (ip: string): LoginAttempt => {
    const a = throttle.begin(ip);
    assert.ok(!('retryAfterMs' in a), `${ip} may try`);
    return a;
  };
  // The right password and four guesses at the same time: all five are checked.
  const right = start('a');
  const guesses = [start('a'), start('a'), start('a'), start('a')];
  assert.ok('retryAfterMs' in throttle.begin('a'), 'a sixth is refused while five are counted');
  guesses.forEach((g) => g.failed());
  right.succeeded();
  // The four concurrent failures still count: one more makes five.
  start('a').failed();
  assert.equal(throttle.retryAfterMs('a'), 30_000);
  // Mistyped twice, then right: the earlier mistakes are forgiven.
  start('b').failed();
  start('b').failed();
  start('b').succeeded();
  for (let i = 0; i < 4; i++) start('b').failed();
  assert.equal(throttle.retryAfterMs('b'), 0);
});

test('a login remembered a moment ago stops working once the user is renamed', async (t) => {
  const { app, dir } = await admin(t);
  const get = (user: string) =>
    app.inject({ method: 'GET', url: '/admin/api/keys', headers: { authorization: basic(user, PASSWORD) } });
  assert.equal((await get('ops')).statusCode, 200);
  const file = path.join(dir, 'config.json');
  const config = JSON.parse(await readFile(file, 'utf8')) as { server: { adminAuth: { username: string } } };
  config.server.adminAuth.username = 'ops-renamed';
  await writeFile(file, JSON.stringify(config));
  assert.equal((await get('ops')).statusCode, 401);
  assert.equal((await get('ops-renamed')).statusCode, 200);
});
