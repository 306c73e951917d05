import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { killStack, startStack, type Stack } from '../harness/stack.js';
import { footprint } from '../harness/process-footprint.js';

// Two stacks on one machine, their data folders side by side in one temporary folder and RUN_DIR
// left to its default: each stack's processes listen only on the ports its variables name, and
// hold open only files and sockets inside its own DATA_DIR and RUN_DIR
// (docs/configuration.md, "Two stacks on one machine"). Before RUN_DIR defaulted to
// `DATA_DIR.run`, both would have used `<parent>/run` and the second supervisord its socket.

const PORT_VARIABLES = ['HTTPS_PORT', 'HTTP_PORT', 'PROXY_PORT', 'ADMIN_PORT', 'INTERNAL_PORT', 'SIM_PORT'];

function declaredPorts(stack: Stack): number[] {
  const ports = PORT_VARIABLES.map((name) => Number(stack.env[name]));
  ports.push(Number(/:(\d+)$/.exec(stack.env.CADDY_ADMIN ?? '')?.[1]));
  return ports.sort((a, b) => a - b);
}

const inside = (file: string, dirs: string[]) => dirs.some((d) => file === d || file.startsWith(`${d}/`));

test('two stacks under one temporary folder share no port, socket or file', { timeout: 240_000 }, async (t) => {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'gw-two-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const a = await startStack({ baseDir: parent, dataDir: path.join(parent, 'a'), defaultRunDir: true });
  t.after(() => killStack(a));
  const b = await startStack({ baseDir: parent, dataDir: path.join(parent, 'b'), defaultRunDir: true });
  t.after(() => killStack(b));

  assert.deepEqual([a.runDir, b.runDir], [path.join(parent, 'a.run'), path.join(parent, 'b.run')]);
  const [fa, fb] = [await footprint(a.child.pid as number), await footprint(b.child.pid as number)];
  for (const [stack, print] of [
    [a, fa],
    [b, fb],
  ] as const) {
    assert.deepEqual(print.listeningPorts, declaredPorts(stack), 'every listening port is one its variables name');
    const own = [stack.dataDir, stack.runDir];
    const underParent = [...print.files, ...print.unixSockets].filter((f) => inside(f, [parent]));
    assert.deepEqual(
      underParent.filter((f) => !inside(f, own)),
      [],
      'files and sockets under the shared folder are its own',
    );
    // supervisord binds `supervisor.sock.<pid>` and renames it; the kernel keeps the bound name.
    assert.deepEqual(
      print.unixSockets.map((s) => s.replace(/\.\d+$/, '')),
      [path.join(stack.runDir, 'supervisor.sock')],
    );
    assert.ok(print.files.includes(path.join(stack.runDir, 'caddy.log')), 'Caddy logs into its own RUN_DIR');
  }
  assert.deepEqual(
    fa.listeningPorts.filter((p) => fb.listeningPorts.includes(p)),
    [],
  );
  // Both serve at once.
  for (const stack of [a, b]) {
    const res = await stack.sdk(await stack.clientKey()).chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'side by side' }],
    });
    assert.equal(res.choices.length, 1);
  }
});
