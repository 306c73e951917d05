/** The sessions file holds the SHA-256 of each cookie value and the identity, never the cookie value itself. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { test } from 'node:test';
import { ALICE, openSessions, PROVIDER, sessionsFileIn } from '../../harness/sessions.js';

test('the sessions file holds digests, not cookie values', async (t) => {
  const file = await sessionsFileIn(t);
  const clock = { now: Date.UTC(2026, 0, 5, 9) };
  const { sessions } = openSessions(file, clock);
  const id = await sessions.create(ALICE, PROVIDER);

  const text = await readFile(file, 'utf8');
  assert.equal(text.includes(id), false, 'the cookie value is not in the file');
  assert.deepEqual(JSON.parse(text), {
    version: 1,
    sessions: [
      {
        digest: createHash('sha256').update(id).digest('hex'),
        principal: ALICE,
        issuer: PROVIDER.issuer,
        clientId: PROVIDER.clientId,
        expiresAt: clock.now + 8 * 60 * 60_000,
        idleUntil: clock.now + 60 * 60_000,
      },
    ],
  });
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(await sessions.get(id, PROVIDER), { ...ALICE, sessionId: id });
});
