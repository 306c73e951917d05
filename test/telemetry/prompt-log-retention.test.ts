// Prompt-log retention: files older than the maximum age are removed, then the oldest while the
// total is above the size limit; the current day's file is kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PromptLogFiles } from '../../proxy/prompt-log/log-files.js';

test('retention removes files past the age, then the oldest past the size limit', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-prompt-log-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const now = Date.UTC(2026, 2, 10, 12);
  const kib = 'x'.repeat(1023);
  for (const day of ['2026-02-01', '2026-03-07', '2026-03-08', '2026-03-09'])
    await fs.writeFile(path.join(dir, `prompts-${day}.jsonl`), `${kib}\n`.repeat(100));
  await fs.writeFile(path.join(dir, 'notes.txt'), 'not ours');
  const files = new PromptLogFiles(dir, () => now);
  // 30 days keep all but February's; 150 KiB then keeps only the two newest days' files.
  await files.append('{"n":1}', { maxAgeDays: 30, maxTotalBytes: 150 * 1024 });
  assert.deepEqual((await fs.readdir(dir)).sort(), [
    'notes.txt',
    'prompts-2026-03-09.jsonl',
    'prompts-2026-03-10.jsonl',
  ]);
  assert.equal(await fs.readFile(path.join(dir, 'prompts-2026-03-10.jsonl'), 'utf8'), '{"n":1}\n');
});
