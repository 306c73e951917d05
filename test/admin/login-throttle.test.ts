/**
 * Failed admin logins are throttled per client IP (X-Forwarded-For from Caddy), for longer after
 * every further failure up to a cap, and logged without the passwords tried.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../../common/password-hash.js';
import { LoginThrottle } from '../../admin/auth/login-throttle.js';
import { basic } from '../harness/admin-stack.js';
import { getKeys as get, startAdminApp } from '../harness/admin-app.js';

const PASSWORD = 'pw-for-auth-tests-0123';

test('failed logins are throttled per client IP and logged without the passwords', async (t) => {
  const { app, logs } = await startAdminApp(t, {
    enabled: true,
    username: 'ops',
    passwordHash: await hashPassword(PASSWORD),
  });
  const attacker = { 'x-forwarded-for': '203.0.113.7' };
  for (let i = 1; i <= 5; i++) {
    const r = await get(app, { ...attacker, authorization: basic('ops', `guess-${i}`) });
    assert.equal(r.statusCode, 401, `attempt ${i}`);
  }
  const sixth = await get(app, { ...attacker, authorization: basic('ops', PASSWORD) });
  assert.equal(sixth.statusCode, 429, 'blocked even with the right password');
  assert.equal(sixth.json<{ error: { code: string; type: string } }>().error.code, 'too_many_failed_logins');
  assert.ok(Number(sixth.headers['retry-after']) >= 29 && Number(sixth.headers['retry-after']) <= 30);
  assert.equal(
    (await get(app, { 'x-forwarded-for': '203.0.113.8', authorization: basic('ops', PASSWORD) })).statusCode,
    200,
    'other addresses are not blocked',
  );

  const log = logs.join('');
  assert.match(log, /failed admin login/);
  assert.match(log, /"ip":"203\.0\.113\.7"/);
  assert.ok(!log.includes(PASSWORD) && !log.includes('guess-'), 'passwords are never logged');
});

test('the throttle blocks for longer after every further failure, up to its cap', () => {
  let now = 0;
  const throttle = new LoginThrottle(
    { maxFailures: 5, windowMs: 300_000, baseBlockMs: 30_000, maxBlockMs: 120_000, maxEntries: 3 },
    () => now,
  );
  const settle = (ip: string, how: 'failed' | 'succeeded') => {
    const attempt = throttle.begin(ip);
    assert.ok(!('retryAfterMs' in attempt), `${ip} is not blocked`);
    attempt[how]();
  };
  for (let i = 0; i < 4; i++) settle('a', 'failed');
  assert.equal(throttle.retryAfterMs('a'), 0);
  settle('a', 'failed');
  assert.equal(throttle.retryAfterMs('a'), 30_000);
  now += 30_000;
  settle('a', 'failed');
  assert.equal(throttle.retryAfterMs('a'), 60_000);
  now += 60_000;
  settle('a', 'failed');
  assert.equal(throttle.retryAfterMs('a'), 120_000);
  now += 120_000;
  settle('a', 'failed');
  assert.equal(throttle.retryAfterMs('a'), 120_000, 'capped');
  now += 120_000 + 300_001;
  settle('a', 'failed');
  assert.equal(throttle.retryAfterMs('a'), 0, 'a quiet window starts the count again');
  settle('a', 'succeeded');
  for (const ip of ['b', 'c', 'd', 'e']) settle(ip, 'failed');
  assert.equal(throttle.retryAfterMs('a'), 0);
});
