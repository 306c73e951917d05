/** A sessions file that cannot be written is logged, and sign-in sessions go on working from memory. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ALICE, openSessions, PROVIDER, sessionsFileIn } from '../../harness/sessions.js';

test('a failed write is logged and sessions keep working', async (t) => {
  const file = path.join(path.dirname(await sessionsFileIn(t)), 'no-such-dir', 'admin-sessions.json');
  const { sessions, logs } = openSessions(file, { now: Date.UTC(2026, 0, 5, 9) });

  const id = await sessions.create(ALICE, PROVIDER);
  assert.deepEqual(await sessions.get(id, PROVIDER), { ...ALICE, sessionId: id });
  const errors = logs.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 50);
  assert.deepEqual(
    errors.map((l) => l.msg),
    ['cannot write the sign-in sessions: serving them from memory'],
  );
  await sessions.end(id);
  assert.equal(await sessions.get(id, PROVIDER), undefined);
});
