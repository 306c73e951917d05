import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type OpenAI from 'openai';
import { killStack, startStack, type Stack } from '../harness/stack.js';
import { stackAdminApi } from '../harness/stack-admin-api.js';
import { loopbackSdk, servedFingerprint } from '../harness/loopback-tls.js';
import { waitUntil } from '../harness/ports.js';
import { processInfo } from '../harness/supervisor-rpc.js';
import { canonicalJson } from '../../admin/config/edit.js';

// Issue 4, "Tests": changes made through the admin API survive a stop and start of the whole stack
// under supervisord, and a kill -9 of the admin in the middle of a save never tears config.json.

const KILL_ROUNDS = 20;
const USAGE_CALLS = 5;

type Json = Record<string, unknown>;

/** sha256 and mtime of every file under `dirs` (relative to `root`): what a re-issue would change. */
async function fileStamps(root: string, dirs: string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const dir of dirs) {
    for (const e of await fs.readdir(path.join(root, dir), { withFileTypes: true, recursive: true })) {
      if (!e.isFile()) continue;
      const file = path.join(e.parentPath, e.name);
      const [data, st] = await Promise.all([fs.readFile(file), fs.stat(file)]);
      out[path.relative(root, file)] = `${createHash('sha256').update(data).digest('hex')} ${st.mtimeMs}`;
    }
  }
  return out;
}

interface Usage {
  totals: { requests: number };
  byKey: Record<string, { requests: number }>;
  byModel: Record<string, { requests: number }>;
}

function sdkVia(stack: Stack, host: string, key: string, ca: string): { client: OpenAI; close: () => Promise<void> } {
  return loopbackSdk(host, stack.env.HTTPS_PORT ?? '', key, ca);
}

function models(config: Json): Json[] {
  return config.models as Json[];
}

test(
  'the stack keeps admin API changes across a restart, and kill -9 of the admin never tears config.json',
  { timeout: 170_000 },
  async (t) => {
    let stack = await startStack();
    const base = path.dirname(stack.dataDir);
    // after hooks run in order: the stack is gone before its directory is removed.
    t.after(() => killStack(stack));
    t.after(() => fs.rm(base, { recursive: true, force: true }));
    let api = await stackAdminApi(stack);
    const localRoot = () => stack.localCa();
    const certDirs = ['caddy/certificates', 'caddy/pki'];

    let keyId = '';
    let key = '';
    let usageBefore: Usage | undefined;
    let stampsBefore: Record<string, string> = {};
    let gwFingerprint = '';

    await t.test('a key, a model and the domain change through the admin API; usage is made with them', async (st) => {
      const created = await api.call('POST', '/admin/api/keys', { body: { label: 'kept across restarts' } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ({ id: keyId, key } = created.body as { id: string; key: string });
      assert.match(key, /^sk-gw-/);

      await api.editConfig((c) => {
        models(c).push({ id: 'team-model', upstream: 'simulator', targetModel: 'gpt-4o-mini' });
        const caddy = (c.server as Json).caddy as Json;
        assert.equal(caddy.domain, 'localhost');
        caddy.domains = ['gw.localhost'];
      });

      // gw.localhost gets a certificate from the local CA (tls internal) once Caddy loads the config.
      const gw = sdkVia(stack, 'gw.localhost', key, await localRoot());
      st.after(gw.close);
      await waitUntil(
        async () => (await servedFingerprint(Number(stack.env.HTTPS_PORT), 'gw.localhost', await localRoot())) !== '',
        15_000,
        'a certificate for gw.localhost',
      );
      for (let i = 0; i < USAGE_CALLS; i++) {
        const res = await gw.client.chat.completions.create({
          model: 'team-model',
          messages: [{ role: 'user', content: `usage ${i}` }],
        });
        assert.match(res.choices[0]?.message.content ?? '', new RegExp(`usage ${i}`));
      }
      const usage = await api.call('GET', '/admin/api/usage');
      assert.equal(usage.status, 200);
      usageBefore = usage.body as Usage;
      assert.ok((usageBefore.byKey[keyId]?.requests ?? 0) >= USAGE_CALLS, JSON.stringify(usageBefore.byKey));
      assert.ok((usageBefore.byModel['team-model']?.requests ?? 0) >= USAGE_CALLS);
      stampsBefore = await fileStamps(stack.dataDir, certDirs);
      assert.ok(
        Object.keys(stampsBefore).some((f) => f.endsWith('gw.localhost.crt')),
        Object.keys(stampsBefore).join(', '),
      );
      gwFingerprint = await servedFingerprint(Number(stack.env.HTTPS_PORT), 'gw.localhost', await localRoot());
    });

    await t.test(
      'SIGTERM stops everything with exit 0; a start on the same data dir keeps key, model, domain, certificates and usage',
      async (st) => {
        assert.equal(await stack.stop(), 0);
        // A restart as ops make it: the same environment (ports included), the same data dir.
        stack = await startStack({ baseDir: base, env: stack.env });
        api = await stackAdminApi(stack);

        const keys = (await api.call('GET', '/admin/api/keys')).body as { data: { id: string; status: string }[] };
        assert.deepEqual(keys.data.find((k) => k.id === keyId)?.status, 'active');
        const { config } = await api.config();
        assert.ok(models(config).some((m) => m.id === 'team-model' && m.targetModel === 'gpt-4o-mini'));
        const caddy = (config.server as Json).caddy as Json;
        assert.deepEqual([caddy.domain, caddy.domains], ['localhost', ['gw.localhost']]);

        const gw = sdkVia(stack, 'gw.localhost', key, await localRoot());
        st.after(gw.close);
        const res = await gw.client.chat.completions.create({
          model: 'team-model',
          messages: [{ role: 'user', content: 'after restart' }],
        });
        assert.match(res.choices[0]?.message.content ?? '', /after restart/);
        assert.equal(
          await servedFingerprint(Number(stack.env.HTTPS_PORT), 'gw.localhost', await localRoot()),
          gwFingerprint,
        );
        // Not re-issued: every file of the local CA and of the certificates is byte-identical, same mtime.
        assert.deepEqual(await fileStamps(stack.dataDir, certDirs), stampsBefore);

        const after = (await api.call('GET', '/admin/api/usage')).body as Usage;
        assert.ok(
          after.totals.requests >= usageBefore!.totals.requests,
          `${after.totals.requests} >= ${usageBefore!.totals.requests}`,
        );
        assert.ok((after.byKey[keyId]?.requests ?? 0) >= (usageBefore!.byKey[keyId]?.requests ?? 0) + 1);
        st.diagnostic(
          `usage requests before stop ${usageBefore!.totals.requests}, after restart ${after.totals.requests}; ${Object.keys(stampsBefore).length} certificate/CA files unchanged`,
        );
      },
    );

    await t.test(
      `kill -9 of the admin during a save (${KILL_ROUNDS} rounds): config.json is always the old or the new version`,
      async (st) => {
        const configFile = path.join(stack.dataDir, 'config.json');
        const addModel = (id: string) => (c: Json) =>
          models(c).push({ id, upstream: 'simulator', targetModel: 'gpt-4o-mini' });
        // The kill must land anywhere in a save, the write included. A save on a freshly restarted
        // (cold) admin takes much longer than a warm one, and load varies, so the delay adapts: it
        // shrinks after a save that finished before the kill and grows after one killed before its
        // write, keeping the kills around the write.
        let estimateMs = 100;
        let minDelayMs = Infinity;
        let maxDelayMs = 0;
        const counts = { old: 0, new: 0, answered200: 0 };
        for (let round = 0; round < KILL_ROUNDS; round++) {
          const edit = addModel(`kill-${round}`);
          const oldRaw = JSON.parse(await fs.readFile(configFile, 'utf8')) as Json;
          const expectedNew = structuredClone(oldRaw);
          edit(expectedNew);
          const { etag, config } = await api.config();
          edit(config);
          const { pid, state } = await processInfo(stack.runDir, 'admin');
          assert.equal(state, 'RUNNING');
          const put = api
            .call('PUT', '/admin/api/config', { body: config, headers: { 'if-match': etag } })
            .catch((err: unknown) => err as Error);
          const delay = estimateMs * (0.3 + Math.random());
          minDelayMs = Math.min(minDelayMs, delay);
          maxDelayMs = Math.max(maxDelayMs, delay);
          await new Promise((r) => setTimeout(r, delay));
          process.kill(pid, 'SIGKILL');
          const answer = await put;

          const text = await fs.readFile(configFile, 'utf8');
          let onDisk: unknown;
          assert.doesNotThrow(() => (onDisk = JSON.parse(text)), `round ${round}: config.json parses`);
          const isOld = canonicalJson(onDisk) === canonicalJson(oldRaw);
          const isNew = canonicalJson(onDisk) === canonicalJson(expectedNew);
          assert.ok(isOld || isNew, `round ${round}: config.json is neither the old nor the new version`);
          counts[isNew ? 'new' : 'old']++;
          if (!(answer instanceof Error) && answer.status === 200) {
            counts.answered200++;
            assert.ok(isNew, `round ${round}: a save answered 200 is on disk`);
            estimateMs *= 0.8;
          } else if (isOld) {
            estimateMs *= 1.25;
          }
          // supervisord restarts the admin; wait until it is RUNNING again (startsecs), or the next kill
          // would count as a failed start and end in FATAL.
          await waitUntil(
            async () => {
              const now = await processInfo(stack.runDir, 'admin');
              return (
                now.state === 'RUNNING' &&
                now.pid !== pid &&
                (await api.call('GET', '/admin/api/config')).status === 200
              );
            },
            20_000,
            `round ${round}: supervisord to restart the admin`,
          );
        }
        const leftovers = (await fs.readdir(stack.dataDir)).filter((f) => f.endsWith('.tmp'));
        st.diagnostic(
          `kill -9 during save: ${counts.old} old, ${counts.new} new of ${KILL_ROUNDS} (${counts.answered200} answered 200 before the kill); ${leftovers.length} temp files left in DATA_DIR; kills ${Math.round(minDelayMs)}-${Math.round(maxDelayMs)} ms after the PUT was sent`,
        );

        // The stack still works and still saves: a final edit applies and reaches the proxy.
        await api.editConfig((c) => {
          models(c).push({ id: 'after-kills', upstream: 'simulator', targetModel: 'gpt-4o-mini' });
        });
        const res = await stack
          .sdk(await stack.clientKey())
          .chat.completions.create({ model: 'after-kills', messages: [{ role: 'user', content: 'still saving' }] });
        assert.match(res.choices[0]?.message.content ?? '', /still saving/);
        const status = await stack.supervisorctl('status');
        for (const name of ['caddy', 'proxy', 'admin', 'simulator'])
          assert.match(status, new RegExp(`^${name}\\s+RUNNING`, 'm'));
      },
    );
    assert.equal(await stack.stop(), 0);
  },
);
