/** Sessions that ended while the admin was down (8 hours, or an hour idle) are dropped when it starts. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ALICE, openSessions, PROVIDER, sessionsFileIn } from '../../harness/sessions.js';

const HOUR = 60 * 60_000;

test('ended sessions are dropped at load', async (t) => {
  const file = await sessionsFileIn(t);
  const start = Date.UTC(2026, 0, 5, 9);
  const clock = { now: start };
  const before = openSessions(file, clock).sessions;
  const old = await before.create(ALICE, PROVIDER);
  // `old` stays in use (a request each half hour) until 7.5 hours.
  for (let at = start + 0.5 * HOUR; at <= start + 7.5 * HOUR; at += 0.5 * HOUR) {
    clock.now = at;
    assert.ok(await before.get(old, PROVIDER));
  }
  clock.now = start + 7 * HOUR;
  const idle = await before.create(ALICE, PROVIDER);
  clock.now = start + 7.5 * HOUR;
  const live = await before.create(ALICE, PROVIDER);
  await before.flush();
  assert.equal(JSON.parse(await readFile(file, 'utf8')).sessions.length, 3, 'all three on disk when it stops');

  // Started again at 8 hours: `old` is 8 hours old, `idle` was idle an hour, `live` goes on.
  clock.now = start + 8 * HOUR + 1;
  const { sessions: after, logs } = openSessions(file, clock);
  assert.equal(await after.get(old, PROVIDER), undefined, '8 hours are up');
  assert.equal(await after.get(idle, PROVIDER), undefined, 'idle for more than an hour');
  assert.deepEqual(await after.get(live, PROVIDER), { ...ALICE, sessionId: live });
  const loaded = logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === 'sign-in sessions loaded');
  assert.deepEqual([loaded?.kept, loaded?.dropped], [1, 2]);
});
