/**
 * The admin's sign-in sessions alone (admin/identity/sessions.ts) on a file in a temp dir, with a
 * clock the test moves and the log lines captured, for the session store tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import pino from 'pino';
import { loggerOptions } from '../../common/logger.js';
import type { SessionPrincipal } from '../../admin/identity/session-file.js';
import { Sessions, type SessionProvider } from '../../admin/identity/sessions.js';

/** The identity provider of these tests. */
export const PROVIDER: SessionProvider = { issuer: 'https://login.contoso.test/tenant/v2.0', clientId: 'client-one' };

/** A signed-in owner. */
export const ALICE: SessionPrincipal = {
  kind: 'oidc',
  actor: 'oidc:alice alice@contoso.test (Alice Owner)',
  role: 'owner',
  display: 'Alice Owner',
};

/** A clock the test sets. */
export interface Clock {
  now: number;
}

/** Sessions on `file` reading `clock`, and what they logged. */
export function openSessions(file: string, clock: Clock): { sessions: Sessions; logs: string[] } {
  const logs: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, done) => (logs.push(c.toString()), done()) });
  const sessions = new Sessions({ file, log: pino(loggerOptions('admin', 'debug'), sink), now: () => clock.now });
  return { sessions, logs };
}

/** A temp dir removed when `t` ends; returns the sessions file's path in it. */
export async function sessionsFileIn(t: TestContext): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-admin-sessions-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return path.join(dir, 'admin-sessions.json');
}
