// Speech: a JSON request in, binary audio streamed back as it arrives (the proxy pipes it, it
// never holds the whole answer), with Azure's content type; a refused request is Azure's error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzureOpenAI, BadRequestError } from 'openai';
import { SPEECH_BYTES_PER_WORD } from '../../simulator/foundry/audio.js';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

test('speech audio streams back chunk by chunk with its content type', async (t) => {
  const h = await proxyHarness(t, {
    configure: (config) => {
      (config.models as unknown[]).push({ id: 'tts', upstream: 'foundry', targetModel: 'gpt-4o-mini-tts' });
    },
  });
  const client = new AzureOpenAI({
    endpoint: h.url,
    apiKey: CLIENT_KEY,
    apiVersion: '2025-03-01-preview',
    maxRetries: 0,
  });
  const input = 'one two three four five six';
  const speech = await client.audio.speech.create(
    { model: 'tts', input, voice: 'alloy' },
    { headers: { 'x-sim-scenario': JSON.stringify({ kind: 'slowChunks', intervalMs: 150 }) } },
  );
  assert.equal(speech.headers.get('content-type'), 'audio/mpeg');
  const reader = speech.body!.getReader();
  const pieces: Uint8Array[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) pieces.push(r.value);
  const audio = Buffer.concat(pieces);
  assert.equal(audio.length, 6 * SPEECH_BYTES_PER_WORD);
  assert.equal(audio[5 * SPEECH_BYTES_PER_WORD], 5, "the last word's bytes arrived in order");
  // 150 ms apart, pieces stay apart even on a loaded machine; a proxy that buffered would send one.
  assert.ok(pieces.length >= 3, `the answer arrived in pieces as the upstream sent them (${pieces.length})`);
  assert.equal(h.sim.requests.at(-1)?.path, '/openai/v1/audio/speech');
  assert.equal((h.sim.requests.at(-1)?.body as { model?: unknown }).model, 'gpt-4o-mini-tts');

  const refused = await client.audio.speech
    .create({ model: 'tts', input, voice: 'alloy', response_format: 'mp4' as 'mp3' })
    .catch((e: unknown) => e);
  assert.ok(refused instanceof BadRequestError);
  assert.equal(refused.param, 'response_format');
});
