/**
 * The audit log: every change, login and failed login is appended with who, when, from where
 * and what changed (secrets masked); the chain of hashes detects an edited or removed line, and
 * the API says so.
 */
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ADMIN_USER, basic, startAdminStack } from '../harness/admin-stack.js';

type Entry = {
  seq: number;
  actor: string;
  ip: string;
  action: string;
  target?: string;
  outcome: number;
  details?: { changes?: Array<{ path: string; before?: unknown; after?: unknown }> };
};
type AuditAnswer = {
  entries: Entry[];
  chain: { intact: boolean; entries: number; brokenAt?: number; reason?: string };
};

test(
  'changes, logins and failed logins are audited on a hash chain that detects edits',
  { timeout: 90_000 },
  async (t) => {
    const stack = await startAdminStack(t, { caddy: true });
    assert.equal(
      (await stack.api('GET', '/admin/api/config', { headers: { authorization: basic(ADMIN_USER, 'wrong-password') } }))
        .statusCode,
      401,
    );
    assert.equal(
      (await stack.api('POST', '/admin/api/teams', { body: { id: 'ops', limits: { tokensPerDay: 1000 } } })).statusCode,
      201,
    );
    const config = await stack.api('GET', '/admin/api/config');
    const edited = { ...(config.json() as Record<string, unknown>) };
    (edited.upstreams as Array<Record<string, unknown>>)[1]!.auth = {
      mode: 'apiKey',
      apiKey: 'new-upstream-secret-value',
    };
    const put = await stack.api('PUT', '/admin/api/config', {
      body: edited,
      headers: { 'if-match': String(config.headers.etag) },
    });
    assert.equal(put.statusCode, 200, put.body);
    const created = await stack.api('POST', '/admin/api/keys', { body: { id: 'carol', team: 'ops' } });
    assert.equal(created.statusCode, 201);

    const file = path.join(stack.harness.dataDir, 'audit.log');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const text = await readFile(file, 'utf8');
    assert.equal(text.includes('new-upstream-secret-value'), false, 'secrets are masked in the diff');
    assert.equal(text.includes(String((created.json() as { key: string }).key)), false, 'a new key is never logged');

    const answer = (await stack.api('GET', '/admin/api/audit')).json() as AuditAnswer;
    assert.equal(answer.chain.intact, true);
    const actions = answer.entries.map((e) => e.action).reverse();
    assert.deepEqual(actions, ['login.failed', 'login', 'team.create', 'config.apply', 'key.create']);
    const apply = answer.entries.find((e) => e.action === 'config.apply')!;
    assert.equal(apply.actor, `local:${ADMIN_USER}`);
    assert.equal(apply.ip, '127.0.0.1');
    assert.equal(apply.outcome, 200);
    assert.ok(
      apply.details?.changes?.some((c) => c.path === '/upstreams[keyed]/auth/apiKey' && c.after === '[redacted]'),
      JSON.stringify(apply.details),
    );
    const keyCreate = answer.entries.find((e) => e.action === 'key.create')!;
    assert.ok(
      keyCreate.details?.changes?.some(
        (c) => c.path === '/apiKeys[carol]' && (c.after as { team?: string }).team === 'ops',
      ),
    );
    assert.equal(answer.entries.find((e) => e.action === 'login.failed')!.actor, '(failed login)');

    // Someone edits a line: the chain breaks exactly there.
    const lines = text.trim().split('\n');
    lines[2] = lines[2]!.replace('"team.create"', '"team.delete"');
    await writeFile(file, `${lines.join('\n')}\n`);
    const tampered = (await stack.api('GET', '/admin/api/audit')).json() as AuditAnswer;
    assert.equal(tampered.chain.intact, false);
    assert.equal(tampered.chain.brokenAt, 3);
    assert.match(String(tampered.chain.reason), /edited/);
    // Or removes one.
    await writeFile(
      file,
      `${[...text.trim().split('\n').slice(0, 1), ...text.trim().split('\n').slice(2)].join('\n')}\n`,
    );
    const removed = (await stack.api('GET', '/admin/api/audit')).json() as AuditAnswer;
    assert.equal(removed.chain.intact, false);
    assert.equal(removed.chain.brokenAt, 2);
    assert.match(String(removed.chain.reason), /removed/);
  },
);
