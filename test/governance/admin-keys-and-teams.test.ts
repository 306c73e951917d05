/**
 * Keys and teams through the admin API as scripts use it: a team with limits, a key in it with an
 * owner, tags, expiry, limits and a budget, field errors in words, last use and spend in the list,
 * rotation with a grace period, revocation, and a team that cannot be deleted while keys use it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';

type Json = Record<string, unknown>;
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

test(
  'teams and keys are created, changed, rotated and revoked through the admin API',
  { timeout: 90_000 },
  async (t) => {
    const stack = await startAdminStack(t, {
      caddy: true,
      configure: (config) => ((config.models as Json[])[0]!.price = { inputPerMillion: 5, outputPerMillion: 15 }),
    });
    const call = (key: string) =>
      fetch(`${stack.harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      });

    const team = await stack.api('POST', '/admin/api/teams', {
      body: {
        id: 'research',
        label: 'Research',
        limits: { requestsPerMinute: 100 },
        budget: { amount: 50, period: 'month' },
      },
    });
    assert.equal(team.statusCode, 201, team.body);

    const bad = await stack.api('POST', '/admin/api/keys', {
      body: { id: 'alice', team: 'nope', limits: { requestsPerMinute: 0 } },
    });
    assert.equal(bad.statusCode, 400);
    const issues = (bad.json() as { issues: Array<{ path: string; message: string }> }).issues;
    assert.ok(
      issues.some((i) => i.path.endsWith('/limits/requestsPerMinute') && /must be >= 1/.test(i.message)),
      JSON.stringify(issues),
    );
    const unknown = await stack.api('POST', '/admin/api/keys', { body: { id: 'alice', colour: 'red' } });
    assert.equal(unknown.statusCode, 400);
    assert.match((unknown.json() as { error: { message: string } }).error.message, /Unknown field "colour"/);

    const created = await stack.api('POST', '/admin/api/keys', {
      body: {
        id: 'alice',
        team: 'research',
        owner: 'alice@example.com',
        tags: ['batch', 'eu'],
        expiresAt: '2999-01-01T00:00:00Z',
        limits: { requestsPerMinute: 3 },
        budget: { amount: 10, period: 'day', alertAt: [0.9] },
      },
    });
    assert.equal(created.statusCode, 201, created.body);
    const secret = String((created.json() as Json).key);
    assert.match(secret, /^sk-gw-/);
    const noTeamRefs = await stack.api('POST', '/admin/api/keys', { body: { id: 'bob', team: 'ghosts' } });
    assert.equal(noTeamRefs.statusCode, 400);
    assert.match(noTeamRefs.body, /no team with id \\"ghosts\\"/);

    assert.equal((await call(secret)).status, 200);
    const list = (await stack.api('GET', '/admin/api/keys')).json() as { data: Json[] };
    const alice = list.data.find((k) => k.id === 'alice')!;
    assert.equal(alice.team, 'research');
    assert.deepEqual(alice.tags, ['batch', 'eu']);
    assert.equal(alice.owner, 'alice@example.com');
    assert.deepEqual(alice.limits, { requestsPerMinute: 3 });
    assert.equal(alice.expired, false);
    assert.ok(typeof alice.lastUsed === 'string', 'last use comes from the proxy');
    assert.ok(((alice.usage as Json).spendToday as number) > 0, 'spend at the model price');
    assert.equal(JSON.stringify(list).includes(secret), false, 'the list has no secrets');
    assert.ok(!('keyHash' in alice));

    const teams = (await stack.api('GET', '/admin/api/teams')).json() as { data: Json[] };
    assert.deepEqual(teams.data[0]!.keys, ['alice']);
    assert.equal((teams.data[0]!.usage as Json).requestsLastMinute, 1);

    const patched = await stack.api('PATCH', '/admin/api/keys/alice', {
      body: { limits: { requestsPerMinute: 1 }, owner: null },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal((await call(secret)).status, 429, 'the new limit (1 per minute, one used) is in force');
    const afterPatch = ((await stack.api('GET', '/admin/api/keys')).json() as { data: Json[] }).data.find(
      (k) => k.id === 'alice',
    )!;
    assert.equal(afterPatch.owner, undefined);

    await stack.api('PATCH', '/admin/api/keys/alice', { body: { limits: null } });
    const graceSeconds = 3;
    const rotated = await stack.api('POST', '/admin/api/keys/alice/rotate', { body: { graceSeconds } });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const rotatedBody = rotated.json() as { key: string; previousSecretValidUntil: string };
    assert.notEqual(rotatedBody.key, secret);
    const until = Date.parse(rotatedBody.previousSecretValidUntil);
    assert.equal((await call(rotatedBody.key)).status, 200);
    assert.equal((await call(secret)).status, 200, 'the previous secret works during the grace period');
    await sleepUntil(until + 100);
    assert.equal((await call(secret)).status, 401, 'and not after it');
    assert.equal((await call(rotatedBody.key)).status, 200);

    const inUse = await stack.api('DELETE', '/admin/api/teams/research');
    assert.equal(inUse.statusCode, 409);
    assert.match(inUse.body, /still has keys \(alice\)/);
    assert.equal((await stack.api('POST', '/admin/api/keys/alice/revoke')).statusCode, 200);
    assert.equal((await call(rotatedBody.key)).status, 401);
    assert.equal((await stack.api('PATCH', '/admin/api/keys/alice', { body: { team: null } })).statusCode, 200);
    assert.equal((await stack.api('DELETE', '/admin/api/teams/research')).statusCode, 200);
  },
);
