/**
 * Requests move a session's idle end without rewriting the sessions file each time: the file is
 * rewritten only once the idle end has moved a minute, so after a restart a
 * session may end up to that much early for want of requests, never late.
 */
import assert from 'node:assert/strict';
import { copyFile, readFile, stat } from 'node:fs/promises';
import { test } from 'node:test';
import { ALICE, openSessions, PROVIDER, sessionsFileIn } from '../../harness/sessions.js';

const IDLE_MS = 60 * 60_000;

async function onDisk(file: string): Promise<{ ino: number; idleUntil: number }> {
  const stored = JSON.parse(await readFile(file, 'utf8')) as { sessions: { idleUntil: number }[] };
  return { ino: (await stat(file)).ino, idleUntil: stored.sessions[0]?.idleUntil ?? -1 };
}

test('idle refreshes are written at most once a minute per session', async (t) => {
  const file = await sessionsFileIn(t);
  const start = Date.UTC(2026, 0, 5, 9);
  const clock = { now: start };
  const { sessions } = openSessions(file, clock);
  const id = await sessions.create(ALICE, PROVIDER);
  const written = await onDisk(file);
  assert.equal(written.idleUntil, start + IDLE_MS);

  // A hundred requests within the minute: the file is not written again (a write replaces it: a new inode).
  for (let i = 1; i <= 100; i++) {
    clock.now = start + i * 500;
    assert.ok(await sessions.get(id, PROVIDER));
  }
  await sessions.flush();
  assert.deepEqual(await onDisk(file), written);

  // In memory the idle end moved with the last request; an admin started on (a copy of) the file
  // an hour after the first request ends the session about 50 s early.
  const copy = `${file}.restarted`;
  await copyFile(file, copy);
  const restarted = openSessions(copy, { now: start + IDLE_MS + 1 }).sessions;
  assert.equal(await restarted.get(id, PROVIDER), undefined, 'ended early after a restart');
  clock.now = start + IDLE_MS + 1;
  assert.ok(await sessions.get(id, PROVIDER), 'still live in this process');

  // That last request moved the idle end more than a minute: one write.
  await sessions.flush();
  const after = await onDisk(file);
  assert.notEqual(after.ino, written.ino);
  assert.equal(after.idleUntil, start + IDLE_MS + 1 + IDLE_MS);
});
