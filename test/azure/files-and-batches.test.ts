// Files and batches through AzureOpenAI: upload, list, retrieve, content and delete a file; create
// a batch from it, follow it to completion, read the output file Azure made, cancel and list.
// Every id is the caller's: another key sees none of them, and gets the 404 of an unknown id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzureOpenAI, NotFoundError, toFile } from 'openai';
import { CLIENT_KEY, LIMITED_KEY, proxyHarness } from '../harness/proxy-harness.js';

const line = (id: string, text: string) =>
  JSON.stringify({
    custom_id: id,
    method: 'POST',
    url: '/chat/completions',
    body: { model: 'dep-4o-mini', messages: [{ role: 'user', content: text }] },
  });
const INPUT = `${line('r1', 'batch one')}\n${line('r2', 'batch two')}\n`;

test('files and batches: the whole lifecycle for their owner, nothing for another key', async (t) => {
  const h = await proxyHarness(t);
  const client = new AzureOpenAI({ endpoint: h.url, apiKey: CLIENT_KEY, apiVersion: '2024-10-21', maxRetries: 0 });
  const other = new AzureOpenAI({ endpoint: h.url, apiKey: LIMITED_KEY, apiVersion: '2024-10-21', maxRetries: 0 });

  const file = await client.files.create({ file: await toFile(Buffer.from(INPUT), 'input.jsonl'), purpose: 'batch' });
  assert.match(file.id, /^file-[0-9a-f]{32}$/);
  assert.equal(file.bytes, Buffer.byteLength(INPUT));
  assert.equal(h.sim.requests.at(-1)?.path, '/openai/v1/files');
  assert.deepEqual(
    (await client.files.list()).data.map((f) => f.id),
    [file.id],
  );
  assert.equal((await client.files.retrieve(file.id)).filename, 'input.jsonl');
  assert.equal(await (await client.files.content(file.id)).text(), INPUT);

  const batch = await client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
  assert.equal(batch.status, 'validating');
  let current = batch;
  while (current.status !== 'completed') current = await client.batches.retrieve(batch.id);
  assert.deepEqual(current.request_counts, { completed: 2, failed: 0, total: 2 });
  const output = await (await client.files.content(current.output_file_id ?? '')).text();
  const answers = output
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as {
          custom_id: string;
          response: { body: { choices: Array<{ message: { content: string } }> } };
        },
    );
  assert.deepEqual(
    answers.map((a) => [a.custom_id, a.response.body.choices[0]?.message.content]),
    [
      ['r1', 'Echo: batch one'],
      ['r2', 'Echo: batch two'],
    ],
  );

  const second = await client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
  assert.equal((await client.batches.cancel(second.id)).status, 'cancelling');
  assert.deepEqual(
    (await client.batches.list()).data.map((b) => b.id),
    [second.id, batch.id],
  );

  // Another key: the same ids do not exist for it, and its lists are empty.
  for (const attempt of [
    other.files.retrieve(file.id),
    other.batches.retrieve(batch.id),
    other.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }),
  ]) {
    const err = await attempt.catch((e: unknown) => e);
    assert.ok(err instanceof NotFoundError);
  }
  assert.deepEqual((await other.files.list()).data, []);
  assert.deepEqual((await other.batches.list()).data, []);

  const deleted = await client.files.delete(file.id);
  assert.equal(deleted.deleted, true);
  const gone = await client.files.retrieve(file.id).catch((e: unknown) => e);
  assert.ok(gone instanceof NotFoundError);
  assert.equal(gone.code, 'file_not_found');
});
