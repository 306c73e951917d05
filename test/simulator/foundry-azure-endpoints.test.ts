// The simulator speaks Azure's wire formats for the endpoints the Azure-shaped front relays:
// legacy completions (offered only by the models that still have them), transcriptions in each
// response_format (Whisper cannot stream), speech bytes, files and batches (classic paths need an
// api-version; a batch progresses on each read and writes its output file), and realtime (GA
// event names on v1, preview names on the classic path, credentials checked before the upgrade).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import '../harness/loopback-guard.js';
import { startFoundrySimulator } from '../../simulator/foundry/simulator.js';

const KEY = 'sim-test-key';
const headers = { 'api-key': KEY };

function form(fields: Record<string, string>, file?: { name: string; bytes: Buffer }): FormData {
  const body = new FormData();
  if (file) body.append('file', new Blob([file.bytes]), file.name);
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  return body;
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

test("completions, audio, files, batches and realtime in Azure's shapes", async (t) => {
  const sim = await startFoundrySimulator({ apiKey: KEY });
  t.after(() => sim.close());
  const post = (path: string, body: unknown) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  await t.test(
    'completions: a text_completion for instruct models, OperationNotSupported for chat models',
    async () => {
      const ok = await json(
        await post('/openai/deployments/gpt-35-turbo-instruct/completions?api-version=2024-10-21', {
          prompt: 'hi there',
        }),
      );
      assert.equal(ok.object, 'text_completion');
      assert.deepEqual(ok.usage, { completion_tokens: 3, prompt_tokens: 2, total_tokens: 5 });
      const refused = await post('/openai/v1/completions', { model: 'gpt-4o', prompt: 'x' });
      assert.equal(refused.status, 400);
      assert.equal(((await json(refused)).error as { code: unknown }).code, 'OperationNotSupported');
    },
  );

  await t.test(
    'transcriptions: json with token usage, verbose_json, text; Whisper reports seconds and refuses to stream',
    async () => {
      const audio = { name: 'a.wav', bytes: Buffer.alloc(64_000) };
      const tokens = await json(
        await fetch(`${sim.url}/openai/v1/audio/transcriptions`, {
          method: 'POST',
          headers,
          body: form({ model: 'gpt-4o-transcribe' }, audio),
        }),
      );
      assert.deepEqual(tokens, {
        text: 'Heard a.wav with 64000 bytes',
        usage: {
          type: 'tokens',
          input_tokens: 20,
          input_token_details: { text_tokens: 0, audio_tokens: 20 },
          output_tokens: 5,
          total_tokens: 25,
        },
      });
      const verbose = await json(
        await fetch(`${sim.url}/openai/deployments/whisper/audio/transcriptions?api-version=2024-06-01`, {
          method: 'POST',
          headers,
          body: form({ response_format: 'verbose_json' }, audio),
        }),
      );
      assert.equal(verbose.task, 'transcribe');
      assert.deepEqual(verbose.usage, { type: 'duration', seconds: 2 });
      const text = await fetch(`${sim.url}/openai/v1/audio/transcriptions`, {
        method: 'POST',
        headers,
        body: form({ model: 'whisper', response_format: 'text' }, audio),
      });
      assert.equal(text.headers.get('content-type'), 'text/plain; charset=utf-8');
      assert.equal(await text.text(), 'Heard a.wav with 64000 bytes\n');
      const stream = await fetch(`${sim.url}/openai/v1/audio/transcriptions`, {
        method: 'POST',
        headers,
        body: form({ model: 'whisper', stream: 'true' }, audio),
      });
      assert.equal(stream.status, 400);
    },
  );

  await t.test("speech: audio bytes with the format's content type", async () => {
    const res = await post('/openai/v1/audio/speech', {
      model: 'tts',
      input: 'two words',
      voice: 'alloy',
      response_format: 'wav',
    });
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    assert.equal((await res.arrayBuffer()).byteLength, 2 * 16_384);
  });

  await t.test(
    'files and batches: classic paths need an api-version; a batch completes step by step with an output file',
    async () => {
      assert.equal((await fetch(`${sim.url}/openai/files`, { headers })).status, 404);
      const line = JSON.stringify({
        custom_id: 'a',
        method: 'POST',
        url: '/chat/completions',
        body: { model: 'dep', messages: [{ role: 'user', content: 'batched' }] },
      });
      const file = await json(
        await fetch(`${sim.url}/openai/files?api-version=2024-10-21`, {
          method: 'POST',
          headers,
          body: form({ purpose: 'batch' }, { name: 'in.jsonl', bytes: Buffer.from(`${line}\n`) }),
        }),
      );
      assert.equal(file.status, 'processed');
      const batch = await json(
        await post('/openai/v1/batches', {
          input_file_id: file.id,
          endpoint: '/chat/completions',
          completion_window: '24h',
        }),
      );
      const statuses = [batch.status];
      for (let i = 0; i < 2; i++)
        statuses.push(
          (await json(await fetch(`${sim.url}/openai/v1/batches/${String(batch.id)}`, { headers }))).status,
        );
      assert.deepEqual(statuses, ['validating', 'in_progress', 'completed']);
      const done = await json(await fetch(`${sim.url}/openai/v1/batches/${String(batch.id)}`, { headers }));
      const output = await (
        await fetch(`${sim.url}/openai/v1/files/${String(done.output_file_id)}/content`, { headers })
      ).text();
      const answer = JSON.parse(output) as {
        custom_id: string;
        response: { status_code: number; body: { choices: Array<{ message: { content: string } }> } };
      };
      assert.equal(answer.custom_id, 'a');
      assert.equal(answer.response.body.choices[0]?.message.content, 'Echo: batched');
      const missing = await post('/openai/v1/batches', {
        input_file_id: 'file-nope',
        endpoint: '/chat/completions',
        completion_window: '24h',
      });
      assert.equal(missing.status, 404);
    },
  );

  await t.test('realtime: GA names on v1, preview names on the classic path, 401 before the upgrade', async () => {
    const session = async (path: string, key: string) =>
      new Promise<string[]>((resolve, reject) => {
        const ws = new WebSocket(`${sim.url.replace('http:', 'ws:')}${path}`, { headers: { 'api-key': key } });
        const types: string[] = [];
        ws.on('message', (data) => {
          const event = JSON.parse(String(data)) as { type: string };
          types.push(event.type);
          if (event.type === 'session.created') ws.send(JSON.stringify({ type: 'response.create' }));
          if (event.type === 'response.done') ws.close(1000);
        });
        ws.once('close', () => resolve(types));
        ws.once('unexpected-response', (_req, res) => reject(new Error(String(res.statusCode))));
      });
    const ga = await session('/openai/v1/realtime?model=gpt-realtime', KEY);
    assert.ok(ga.includes('response.output_text.delta') && ga.at(-1) === 'response.done');
    const preview = await session(
      '/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview',
      KEY,
    );
    assert.ok(preview.includes('response.text.delta'));
    await assert.rejects(session('/openai/v1/realtime?model=x', 'wrong'), /401/);
  });
});
