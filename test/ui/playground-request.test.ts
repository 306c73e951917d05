/** What the Playground sends (chat or responses, an image inline) and how it reads the answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventPart, fromJson, requestBody, type PlayRequest } from '../../admin/ui/js/pages/playground/request.js';

const chat: PlayRequest = { api: 'chat', stream: true, model: 'gpt-4o-mini', system: 'Be brief.', message: 'hi' };
const IMG = 'data:image/png;base64,AAAA';

test('chat: system message, usage in the stream, the image as an image_url part', () => {
  assert.deepEqual(requestBody(chat), {
    model: 'gpt-4o-mini',
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ],
  });
  assert.deepEqual(requestBody({ ...chat, stream: false, system: '', message: '' }, IMG), {
    model: 'gpt-4o-mini',
    stream: false,
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hello!' },
          { type: 'image_url', image_url: { url: IMG } },
        ],
      },
    ],
  });
});

test('responses: instructions and input parts', () => {
  assert.deepEqual(requestBody({ ...chat, api: 'responses' }, IMG), {
    model: 'gpt-4o-mini',
    stream: true,
    instructions: 'Be brief.',
    input: [
      {
        role: 'user',
        content: [
          { type: 'input_text', text: 'hi' },
          { type: 'input_image', image_url: IMG },
        ],
      },
    ],
  });
});

test('a whole answer: its text and usage', () => {
  const usage = { prompt_tokens: 3, completion_tokens: 2 };
  assert.deepEqual(fromJson('chat', { choices: [{ message: { content: 'hello' } }], usage }), { text: 'hello', usage });
  assert.deepEqual(fromJson('responses', { output_text: 'hi', usage }), { text: 'hi', usage });
  assert.deepEqual(
    fromJson('responses', {
      output: [{ content: [{ text: 'a' }, { type: 'refusal' }] }, { content: [{ text: 'b' }] }],
    }),
    { text: 'ab', usage: undefined },
  );
  assert.deepEqual(fromJson('chat', 'not json'), { text: '' });
});

test('streamed events: text deltas, the usage, failures', () => {
  assert.deepEqual(eventPart('chat', { choices: [{ delta: { content: 'He' } }] }, 200), { delta: 'He' });
  assert.deepEqual(eventPart('chat', { choices: [], usage: { total_tokens: 5 } }, 200), { usage: { total_tokens: 5 } });
  assert.deepEqual(eventPart('responses', { type: 'response.output_text.delta', delta: 'lo' }, 200), { delta: 'lo' });
  assert.deepEqual(
    eventPart('responses', { type: 'response.completed', response: { usage: { input_tokens: 1 } } }, 200),
    { usage: { input_tokens: 1 } },
  );
  assert.deepEqual(eventPart('responses', { type: 'response.failed', response: {} }, 200), {
    failure: '{"type":"response.failed","response":{}}',
  });
  assert.deepEqual(eventPart('chat', { error: { message: 'upstream timed out' } }, 200), {
    failure: '200: upstream timed out',
  });
});
