/**
 * The image, run without a container engine (test/harness/image-layout.ts): the entry script as
 * root from the image's file layout (only what the Dockerfile copies) with the image's
 * environment, the programs as an unprivileged user, DATA_DIR a share that looks like ACI's Azure
 * Files mount (root-owned, 0777, chmod and chown ignored) and RUN_DIR elsewhere. The
 * stack comes up, serves a stream through Caddy from the upstream its config names, keeps only
 * regular files in DATA_DIR, and stops cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { startFoundrySimulator } from '../../simulator/foundry/simulator.js';
import { PROGRAM_USER, startImageStack, uidOf } from '../harness/image-layout.js';
import { programPid } from '../harness/stack.js';
import { waitUntil } from '../harness/ports.js';

const SIM_KEY = 'image-test-upstream-key';

async function uidOfPid(pid: number): Promise<number> {
  const status = await fs.readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

test(
  'from the image layout: up as root, programs unprivileged, a stream through Caddy, a clean stop',
  { timeout: 180_000 },
  async (t) => {
    const sim = await startFoundrySimulator({ apiKey: SIM_KEY });
    t.after(() => sim.close());
    const { stack, dataDir, runDir } = await startImageStack(t, {
      config: {
        upstreams: [{ name: 'foundry', baseUrl: sim.url, auth: { mode: 'apiKey', apiKey: SIM_KEY } }],
        models: [{ id: 'gpt-4o-mini', upstream: 'foundry', targetModel: 'dep-4o-mini' }],
      },
    });

    const nobody = await uidOf(PROGRAM_USER);
    const running = (status: string) =>
      ['caddy', 'proxy', 'admin'].every((p) => new RegExp(`^${p}\\s+RUNNING`, 'm').test(status));
    await waitUntil(
      async () => running(await stack.supervisorctl('status')),
      60_000,
      'caddy, proxy and admin RUNNING',
    ).catch(async (err: unknown) => assert.fail(`${String(err)}\n${await stack.supervisorctl('status')}`));
    for (const program of ['caddy', 'proxy', 'admin'])
      assert.equal(await uidOfPid(await programPid(stack, program)), nobody, `${program} runs as ${PROGRAM_USER}`);
    assert.doesNotMatch(
      await stack.supervisorctl('status'),
      /^simulator\s+RUNNING/m,
      'no simulator in the image by default',
    );

    const client = stack.sdk(await stack.clientKey());
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'from the image layout' }],
    });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    assert.match(text, /from the image layout/);
    assert.ok(
      sim.requests.some((r) => r.headers['api-key'] === SIM_KEY),
      'the upstream the config names served it',
    );

    const entries = await fs.readdir(dataDir, { withFileTypes: true, recursive: true });
    assert.deepEqual(
      entries.filter((e) => !e.isFile() && !e.isDirectory()).map((e) => e.name),
      [],
      'DATA_DIR holds only regular files',
    );
    const [share, config] = [await fs.stat(dataDir), await fs.stat(path.join(dataDir, 'config.json'))];
    assert.deepEqual(
      [share.uid, share.mode & 0o777],
      [0, 0o777],
      "the share stays root-owned 0777 (the entry script's chown is ignored)",
    );
    assert.equal(
      config.mode & 0o777,
      0o777,
      'modes show as 0777 whatever the writer asked for (config.json is written 0600)',
    );
    assert.ok((await fs.readdir(runDir)).includes('supervisor.sock'), 'sockets live in RUN_DIR');

    assert.equal(await stack.stop(), 0, 'a clean stop exits 0');
    assert.match(await stack.log(), /stopped: proxy \(exit status 0\)/);
  },
);
