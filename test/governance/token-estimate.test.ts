import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodingFor,
  estimateTokens,
  IMAGE_TOKENS_HIGH,
  IMAGE_TOKENS_LOW,
  tokenCounter,
} from '../../proxy/governance/token-estimate.js';
import type { ModelEntry } from '../../common/config/schema.js';

const model = (id: string, tokenizer?: ModelEntry['tokenizer']): ModelEntry => ({
  id,
  routes: {},
  streamUsage: true,
  ...(tokenizer ? { tokenizer } : {}),
});

test('chat prompts are counted in OpenAI chat format: 3 per message, role, content, 3 to prime the reply', async () => {
  const count = await tokenCounter('o200k_base');
  const body = {
    messages: [
      { role: 'system', content: 'You are helpful.' },
      { role: 'user', content: 'Hello there' },
    ],
  };
  // system(1) + "You are helpful."(4) + user(1) + "Hello there"(2) + 3×2 per message + 3 priming.
  assert.deepEqual(estimateTokens('chat/completions', body, count), { prompt: 17, outputCap: 0 });
  const named = { messages: [{ role: 'user', name: 'bob', content: 'Hello there' }], max_tokens: 50, n: 2 };
  assert.deepEqual(estimateTokens('chat/completions', named, count), {
    prompt: 3 + 1 + 2 + 1 + count('bob') + 3,
    outputCap: 100,
  });
  assert.equal(
    estimateTokens('chat/completions', { messages: [], max_completion_tokens: 7, max_tokens: 99 }, count).outputCap,
    7,
    'max_completion_tokens wins',
  );
});

test('images count at their detail, tools as their JSON text, and each API has its own fields', async () => {
  const count = await tokenCounter('o200k_base');
  const parts = {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hello there' },
          { type: 'image_url', image_url: { url: 'data:', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'data:' } },
        ],
      },
    ],
  };
  assert.equal(
    estimateTokens('chat/completions', parts, count).prompt,
    3 + 1 + 2 + IMAGE_TOKENS_LOW + IMAGE_TOKENS_HIGH + 3,
  );
  const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
  assert.equal(
    estimateTokens('chat/completions', { messages: [], tools }, count).prompt,
    3 + count(JSON.stringify(tools)),
  );
  const responses = {
    instructions: 'Be brief.',
    input: [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'Hello there' },
          { type: 'input_image', detail: 'low', image_url: 'x' },
        ],
      },
      { type: 'function_call_output', call_id: 'c', output: 'sunny' },
    ],
    max_output_tokens: 64,
  };
  assert.deepEqual(estimateTokens('responses', responses, count), {
    prompt: 3 + (3 + count('Be brief.')) + (3 + 1 + 2 + IMAGE_TOKENS_LOW) + (3 + count('sunny')),
    outputCap: 64,
  });
  assert.equal(estimateTokens('responses', { input: 'Hello there' }, count).prompt, 3 + 3 + 2);
  assert.deepEqual(estimateTokens('embeddings', { input: ['Hello there', 'Hello there'] }, count), {
    prompt: 4,
    outputCap: 0,
  });
  assert.equal(
    estimateTokens('embeddings', { input: [[1, 2, 3], [4]] }, count).prompt,
    4,
    'token arrays count as their length',
  );
  assert.equal(estimateTokens('images/generations', { prompt: 'Hello there' }, count).prompt, 2);
});

test('the encoding follows the deployment or model name unless the model sets one', () => {
  assert.equal(encodingFor(model('chat'), 'gpt-4o-mini-2024-07-18'), 'o200k_base');
  assert.equal(encodingFor(model('chat'), 'gpt-5-mini'), 'o200k_base');
  assert.equal(encodingFor(model('chat'), 'gpt-4.1'), 'o200k_base');
  assert.equal(encodingFor(model('legacy'), 'gpt-35-turbo'), 'cl100k_base');
  assert.equal(encodingFor(model('old'), 'gpt-4-0613'), 'cl100k_base');
  assert.equal(encodingFor(model('old'), 'gpt-4'), 'cl100k_base');
  assert.equal(encodingFor(model('embed'), 'text-embedding-3-small'), 'cl100k_base');
  assert.equal(encodingFor(model('mine', 'cl100k_base'), 'gpt-4o'), 'cl100k_base');
});
