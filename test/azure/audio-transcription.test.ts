// Audio transcriptions and translations through the Azure deployment path: the upload streams
// to the model's deployment with the deployment's name in the form's `model`, every byte arrives,
// the transcript comes back as JSON, as text, or as `stream: true` transcription events, and the
// tokens Azure reports are counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { AzureOpenAI, toFile } from 'openai';
import type { SimForm } from '../../simulator/foundry/multipart.js';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

const AUDIO = Buffer.alloc(96_000, 7);

test('transcriptions and translations stream the upload through; JSON, text and stream events come back; usage is counted', async (t) => {
  const h = await proxyHarness(t, {
    configure: (config) => {
      (config.models as unknown[]).push(
        { id: 'transcribe', upstream: 'foundry', targetModel: 'gpt-4o-transcribe' },
        { id: 'whisper', upstream: 'keyed', targetModel: 'whisper-1' },
      );
    },
  });
  const client = new AzureOpenAI({
    endpoint: h.url,
    apiKey: CLIENT_KEY,
    apiVersion: '2025-03-01-preview',
    maxRetries: 0,
  });
  const expected = `Heard clip.wav with ${AUDIO.length} bytes`;

  const json = await client.audio.transcriptions.create({
    file: await toFile(AUDIO, 'clip.wav', { type: 'audio/wav' }),
    model: 'transcribe',
  });
  assert.equal(json.text, expected);
  const upload = h.sim.requests.at(-1);
  assert.equal(upload?.path, '/openai/v1/audio/transcriptions');
  const form = upload?.body as SimForm;
  assert.equal(form.fields.model, 'gpt-4o-transcribe');
  assert.deepEqual(
    form.files.map((f) => [f.filename, f.contentType, f.size, f.sha256]),
    [['clip.wav', 'audio/wav', AUDIO.length, createHash('sha256').update(AUDIO).digest('hex')]],
  );

  const text = await client.audio.transcriptions.create({
    file: await toFile(AUDIO, 'clip.wav'),
    model: 'transcribe',
    response_format: 'text',
  });
  assert.equal(String(text).trim(), expected);

  const stream = await client.audio.transcriptions.create({
    file: await toFile(AUDIO, 'clip.wav'),
    model: 'transcribe',
    stream: true,
  });
  let deltas = '';
  let done: { text?: string; usage?: { total_tokens?: number } } | undefined;
  for await (const event of stream) {
    if (event.type === 'transcript.text.delta') deltas += event.delta;
    if (event.type === 'transcript.text.done') done = event;
  }
  assert.equal(deltas, expected);
  assert.equal(done?.text, expected);

  const translation = await client.audio.translations.create({
    file: await toFile(AUDIO, 'clip.wav'),
    model: 'whisper',
  });
  assert.equal(translation.text, `Translated: ${expected}`);
  assert.equal(h.sim.requests.at(-1)?.path, '/openai/v1/audio/translations');

  const stats = await h.stats();
  assert.equal(stats.byModel.transcribe?.requests, 3);
  assert.equal(stats.byModel.transcribe?.s2xx, 3);
  // JSON and the stream's done event report tokens; the text answer carries none.
  assert.equal(stats.byModel.transcribe?.totalTokens, 2 * (done?.usage?.total_tokens ?? 0));
  assert.equal(stats.byModel.whisper?.requests, 1);
});
