// extractUsage: token counts out of every upstream body shape, narrowed from unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractUsage } from '../../proxy/usage/extract.js';

test('chat completions usage with cached and reasoning details', () => {
  const body = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    choices: [],
    usage: {
      prompt_tokens: 120,
      completion_tokens: 30,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 64, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 12, audio_tokens: 0 },
    },
  };
  assert.deepEqual(extractUsage(body), { prompt: 120, completion: 30, total: 150, cached: 64, reasoning: 12 });
});

test('streamed chat chunks: usage null and absent mean none; the final chunk counts', () => {
  assert.equal(
    extractUsage({ object: 'chat.completion.chunk', choices: [{ delta: { content: 'hi' } }], usage: null }),
    undefined,
  );
  assert.equal(extractUsage({ object: 'chat.completion.chunk', choices: [] }), undefined);
  const last = {
    object: 'chat.completion.chunk',
    choices: [],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
  };
  assert.deepEqual(extractUsage(last), { prompt: 9, completion: 2, total: 11, cached: 0, reasoning: 0 });
});

test('responses API usage at the top level', () => {
  const body = {
    object: 'response',
    status: 'completed',
    usage: {
      input_tokens: 200,
      input_tokens_details: { cached_tokens: 128 },
      output_tokens: 50,
      output_tokens_details: { reasoning_tokens: 40 },
      total_tokens: 250,
    },
  };
  assert.deepEqual(extractUsage(body), { prompt: 200, completion: 50, total: 250, cached: 128, reasoning: 40 });
});

test('responses stream: usage inside response.completed; earlier events carry none', () => {
  const created = { type: 'response.created', response: { id: 'resp_1', status: 'in_progress', usage: null } };
  assert.equal(extractUsage(created), undefined);
  assert.equal(extractUsage({ type: 'response.output_text.delta', delta: 'Hel' }), undefined);
  const completed = {
    type: 'response.completed',
    sequence_number: 12,
    response: {
      id: 'resp_1',
      usage: { input_tokens: 7, output_tokens: 5, total_tokens: 12, output_tokens_details: { reasoning_tokens: 1 } },
    },
  };
  assert.deepEqual(extractUsage(completed), { prompt: 7, completion: 5, total: 12, cached: 0, reasoning: 1 });
});

test('embeddings usage has no completion', () => {
  const body = {
    object: 'list',
    data: [],
    model: 'text-embedding-3-small',
    usage: { prompt_tokens: 8, total_tokens: 8 },
  };
  assert.deepEqual(extractUsage(body), { prompt: 8, completion: 0, total: 8, cached: 0, reasoning: 0 });
});

test('images usage with text/image input details', () => {
  const body = {
    created: 1,
    data: [{ b64_json: 'AAAA' }],
    usage: {
      input_tokens: 50,
      input_tokens_details: { text_tokens: 10, image_tokens: 40 },
      output_tokens: 4160,
      total_tokens: 4210,
    },
  };
  assert.deepEqual(extractUsage(body), { prompt: 50, completion: 4160, total: 4210, cached: 0, reasoning: 0 });
});

test('a missing total is prompt + completion', () => {
  assert.deepEqual(extractUsage({ usage: { prompt_tokens: 3, completion_tokens: 4 } }), {
    prompt: 3,
    completion: 4,
    total: 7,
    cached: 0,
    reasoning: 0,
  });
  assert.deepEqual(extractUsage({ usage: { input_tokens: 5 } }), {
    prompt: 5,
    completion: 0,
    total: 5,
    cached: 0,
    reasoning: 0,
  });
});

test('non-numbers and negative numbers are ignored', () => {
  const body = {
    usage: {
      prompt_tokens: '12',
      completion_tokens: 3,
      total_tokens: -1,
      prompt_tokens_details: { cached_tokens: null },
      completion_tokens_details: 'x',
    },
  };
  assert.deepEqual(extractUsage(body), { prompt: 0, completion: 3, total: 3, cached: 0, reasoning: 0 });
  assert.equal(extractUsage({ usage: { prompt_tokens: '1', completion_tokens: true, total_tokens: {} } }), undefined);
  assert.equal(extractUsage({ usage: [1, 2, 3] }), undefined);
  assert.equal(extractUsage({ usage: 42 }), undefined);
});

test('non-object bodies carry no usage', () => {
  for (const v of [null, undefined, 'usage', 5, [], [{ usage: { prompt_tokens: 1 } }]])
    assert.equal(extractUsage(v), undefined);
});
