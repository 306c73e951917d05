/**
 * A staged domain change survives an admin restart: the record in DATA_DIR brings back the same
 * change with the same deadline, Caddy keeps the bridge, and the change still rolls back by itself
 * when the deadline passes (docs/caddy.md, "Staged changes"). Whole stack under supervisord.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { killStack, programPid, startStack } from '../harness/stack.js';
import { stackAdminApi } from '../harness/stack-admin-api.js';
import { freePort, waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;

function change(body: unknown): Json {
  const c = (body as { change?: unknown }).change;
  assert.ok(c && typeof c === 'object', `a staged change in ${JSON.stringify(body)}`);
  return c as Json;
}

test(
  'a pending staged change survives an admin restart and rolls back by itself afterwards',
  { timeout: 150_000 },
  async (t) => {
    const stack = await startStack({ env: { STAGED_CHANGE_TIMEOUT_S: '20', STAGED_CHANGE_PROBE_MS: '500' } });
    t.after(() => killStack(stack));
    const api = await stackAdminApi(stack);
    const key = await stack.clientKey();
    const deadCa = `https://127.0.0.1:${await freePort()}/dir`;

    const saved = await api.editConfig((c) => {
      (c.server as Json).caddy = { domains: ['localhost', 'gw.test'], acme: { ca: deadCa } };
    });
    const staged = change({ change: (saved.body as Json).staged });
    assert.equal(staged.state, 'pending');
    const caddyfile = path.join(stack.dataDir, 'Caddyfile');
    assert.match(await readFile(caddyfile, 'utf8'), /^gw\.test:\d+ \{$/m);

    const before = await programPid(stack, 'admin');
    await stack.supervisorctl('restart', 'admin');
    assert.notEqual(await programPid(stack, 'admin'), before);
    await waitUntil(
      async () => (await api.call('GET', '/admin/api/staged-change').catch(() => undefined))?.status === 200,
      30_000,
      'the restarted admin',
    );
    const resumed = change((await api.call('GET', '/admin/api/staged-change')).body);
    assert.equal(resumed.id, staged.id);
    assert.equal(resumed.deadline, staged.deadline);
    assert.equal(resumed.state, 'pending');
    assert.match(await readFile(caddyfile, 'utf8'), /^gw\.test:\d+ \{$/m, 'the bridge is still what Caddy runs');
    assert.equal((await stack.sdk(key).models.list()).data.length > 0, true, 'the gateway serves meanwhile');

    let ended: Json = resumed;
    await waitUntil(
      async () => {
        ended = change((await api.call('GET', '/admin/api/staged-change')).body);
        return ended.state !== 'pending';
      },
      60_000,
      'the deadline to pass',
    );
    assert.equal(ended.state, 'rolled_back');
    assert.equal(ended.reason, 'timed_out');
    assert.doesNotMatch(await readFile(caddyfile, 'utf8'), /gw\.test/);
    const stored = JSON.parse(await readFile(path.join(stack.dataDir, 'config.json'), 'utf8')) as {
      server: { caddy: Json };
    };
    assert.deepEqual(stored.server.caddy.domains, undefined);
    assert.equal((await stack.sdk(key).models.list()).data.length > 0, true, 'the gateway serves after the rollback');
  },
);
