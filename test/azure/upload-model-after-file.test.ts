// A /v1 upload whose `model` field comes after the file (the OpenAI SDK writes fields in the
// caller's order): the target is unknown until the model is, so the file waits on disk — not in
// memory — and is replayed to the right deployment; the temporary file is gone afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import { toFile } from 'openai';
import type { SimForm } from '../../simulator/foundry/multipart.js';
import { proxyHarness } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

const spoolDirs = async () => (await readdir(os.tmpdir())).filter((name) => name.startsWith('gw-upload-'));

test("a file sent before the model field is spooled, replayed to the model's deployment, and cleaned up", async (t) => {
  const h = await proxyHarness(t, {
    configure: (config) => {
      (config.models as unknown[]).push({ id: 'transcribe', upstream: 'foundry', targetModel: 'gpt-4o-transcribe' });
    },
  });
  const before = await spoolDirs();
  const audio = Buffer.alloc(200_000, 3);
  // The SDK writes `file` first here, exactly as given.
  const result = await h
    .sdk()
    .audio.transcriptions.create({ file: await toFile(audio, 'late.wav'), model: 'transcribe', language: 'en' });
  assert.equal(result.text, `Heard late.wav with ${audio.length} bytes`);
  const form = h.sim.requests.at(-1)?.body as SimForm;
  assert.deepEqual(form.fields, { model: 'gpt-4o-transcribe', language: 'en' });
  assert.equal(form.files[0]?.size, audio.length);
  // Removed when the request ends, which is just after the client has its answer.
  await waitUntil(
    async () => (await spoolDirs()).every((d) => before.includes(d)),
    5000,
    'the spool directory to be removed',
  );
});
