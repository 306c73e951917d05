/** A corrupt sessions file does not stop the admin: it starts with no sessions, says so, and writes a good file again. */
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { ALICE, openSessions, PROVIDER, sessionsFileIn } from '../../harness/sessions.js';

test('a corrupt sessions file starts empty with a log line', async (t) => {
  const file = await sessionsFileIn(t);
  await writeFile(file, '{"version":1,"sessions":[{"digest":"ab', { mode: 0o600 });
  const clock = { now: Date.UTC(2026, 0, 5, 9) };
  const { sessions, logs } = openSessions(file, clock);

  assert.equal(await sessions.get('some-old-cookie', PROVIDER), undefined);
  const lines = logs.map((l) => JSON.parse(l) as { level: number; msg: string; file: string });
  assert.deepEqual(
    lines.map((l) => [l.level, l.msg, l.file]),
    [[50, 'the sign-in sessions file is corrupt: none kept', file]],
  );

  const id = await sessions.create(ALICE, PROVIDER);
  assert.deepEqual(await sessions.get(id, PROVIDER), { ...ALICE, sessionId: id });
  assert.equal(JSON.parse(await readFile(file, 'utf8')).sessions.length, 1, 'written whole again');
});
