// supervisord's FATAL listener: a program that cannot stay up stops the whole stack with a
// non-zero exit (so a container restarts) instead of leaving it half-running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { killStack, programPid, startStack } from '../harness/stack.js';

test('a program that cannot stay up stops the whole stack with a non-zero exit', { timeout: 120_000 }, async (t) => {
  const stack = await startStack();
  t.after(() => killStack(stack));
  // Break the proxy for good: an invalid config makes every restart fail, so it goes FATAL.
  await fs.writeFile(path.join(stack.dataDir, 'config.json'), '{"models": [{"id": "x", "upstream": "nowhere"}]}');
  const pid = await programPid(stack, 'proxy');
  process.kill(pid, 'SIGKILL');
  const code = await stack.exit;
  assert.equal(code, 1);
  const log = await stack.log();
  assert.match(log, /proxy entered FATAL/);
});
