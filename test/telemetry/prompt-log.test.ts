// The prompt log: off by default (nothing written); on for one key, that key's calls are written
// with the built-in and configured redactions applied, owner-only, and other keys' are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { LIMITED_KEY, proxyHarness, type ProxyHarness } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

const SECRET_PROMPT = 'my key is sk-abcdefghijklmnopqrstuvwx and the project is ORION-7731, tell me';

async function ask(h: ProxyHarness, key?: string): Promise<string> {
  const answer = await h.sdk(key).chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: SECRET_PROMPT }],
  });
  return answer.choices[0]?.message.content ?? '';
}

async function logLines(dir: string): Promise<Array<Record<string, unknown>>> {
  const files = await fs.readdir(dir).catch(() => [] as string[]);
  const lines: Array<Record<string, unknown>> = [];
  for (const f of files)
    for (const l of (await fs.readFile(path.join(dir, f), 'utf8')).split('\n'))
      if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
  return lines;
}

test('the prompt log is off by default and writes nothing', async (t) => {
  const h = await proxyHarness(t);
  await ask(h);
  await waitUntil(async () => (await h.stats()).totals.requests === 1, 5_000, 'the request to be recorded');
  await assert.rejects(fs.stat(path.join(h.dataDir, 'prompt-log')), { code: 'ENOENT' });
});

test('on for one key: its calls are logged redacted, owner-only; another key is not logged', async (t) => {
  const h = await proxyHarness(t, {
    configure: (c) => {
      (c.server as Record<string, unknown>).telemetry = {
        promptLog: { enabled: true, keys: ['main'], redact: ['ORION-\\d+'] },
      };
    },
  });
  const completion = await ask(h);
  await ask(h, LIMITED_KEY);
  const dir = path.join(h.dataDir, 'prompt-log');
  await waitUntil(async () => (await logLines(dir)).length === 1, 5_000, 'a log line');
  await waitUntil(async () => (await h.stats()).totals.requests === 2, 5_000, 'both requests recorded');
  const lines = await logLines(dir);
  assert.equal(lines.length, 1, 'only the named key is logged');
  const [line] = lines;
  assert.equal(line?.keyId, 'main');
  assert.equal(line?.model, 'gpt-4o-mini');
  assert.equal(line?.target, 'foundry/dep-4o-mini');
  assert.equal(line?.status, 200);
  // The simulator echoes the prompt: the answer is redacted the same way.
  assert.equal(completion, `Echo: ${SECRET_PROMPT}`);
  assert.equal(line?.completion, 'Echo: my key is [redacted] and the project is [redacted], tell me');
  const prompt = String(line?.prompt);
  assert.ok(prompt.includes('my key is [redacted] and the project is [redacted], tell me'), prompt);
  assert.ok(!prompt.includes('sk-abcdefghijklmnopqrstuvwx') && !prompt.includes('ORION'));
  const [file] = await fs.readdir(dir);
  assert.match(file ?? '', /^prompts-\d{4}-\d{2}-\d{2}\.jsonl$/);
  assert.equal((await fs.stat(path.join(dir, file!))).mode & 0o777, 0o600);
  assert.equal((await fs.stat(dir)).mode & 0o777, 0o700);
});
