// supervisord's FATAL listener: a program that cannot stay up stops the whole stack with a
// non-zero exit (so a container restarts) instead of leaving it half-running. (A bad config.json
// alone no longer does that: the proxy starts from the last good config, last-good-config.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { killStack, programPid, startStack } from '../harness/stack.js';
import { LAST_GOOD_NAME } from '../../common/config/last-good.js';

test('a program that cannot stay up stops the whole stack with a non-zero exit', { timeout: 120_000 }, async (t) => {
  const stack = await startStack();
  t.after(() => killStack(stack));
  // Break the proxy for good: with config.json and the last good copy both invalid, every restart
  // fails, so it goes FATAL.
  const broken = '{"models": [{"id": "x", "upstream": "nowhere"}]}';
  await fs.writeFile(path.join(stack.dataDir, 'config.json'), broken);
  await fs.writeFile(path.join(stack.dataDir, LAST_GOOD_NAME), broken);
  const pid = await programPid(stack, 'proxy');
  process.kill(pid, 'SIGKILL');
  const code = await stack.exit;
  assert.equal(code, 1);
  const log = await stack.log();
  assert.match(log, /proxy entered FATAL/);
});
