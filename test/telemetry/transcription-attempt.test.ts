// An audio transcription — a multipart upload on a model, sent with failover — gets one attempt
// span per target tried: the first target's upstream refuses the connection (before a byte of
// the form is read, so the form can still go to the next) and the second answers, so the
// request span has two attempts, and the upload Foundry received carried the second's context.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toFile } from 'openai';
import { freePort } from '../harness/ports.js';
import { SIM_API_KEY } from '../harness/proxy-harness.js';
import { tracedProxy } from '../harness/traced-proxy.js';

test('a transcription gives a request span with an attempt per target tried, its context sent upstream', async (t) => {
  // Nothing listens there: a connection refused.
  const closedPort = await freePort();
  const { h, flush, callTrace } = await tracedProxy(t, 'http/protobuf', {
    configure: (c) => {
      (c.upstreams as unknown[]).push({
        name: 'gone',
        baseUrl: `http://127.0.0.1:${closedPort}`,
        auth: { mode: 'apiKey', apiKey: SIM_API_KEY },
      });
      (c.models as unknown[]).push({
        id: 'hear',
        targets: [
          { upstream: 'gone', targetModel: 'dep-hear', priority: 0 },
          { upstream: 'b', targetModel: 'dep-hear', priority: 1 },
        ],
      });
    },
  });
  const answer = await h.sdk().audio.transcriptions.create({
    file: await toFile(Buffer.alloc(4_000, 7), 'clip.wav', { type: 'audio/wav' }),
    model: 'hear',
  });
  assert.equal(answer.text, 'Heard clip.wav with 4000 bytes');
  await flush();
  const { span, attempts, contexts, received } = callTrace('transcription hear', '/openai/v1/audio/transcriptions');
  assert.equal(span.attributes['gateway.attempts'], 2);
  assert.equal(span.attributes['gateway.target'], 'b/dep-hear');
  assert.deepEqual(attempts, [
    ['transcription dep-hear', 'gone/dep-hear', undefined, 2],
    ['transcription dep-hear', 'b/dep-hear', 200, 0],
  ]);
  assert.equal(contexts.length, 2);
  assert.deepEqual(received, [contexts[1]]);
});
