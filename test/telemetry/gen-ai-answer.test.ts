// What a trace notes from an answer: the response model and id, and each finish reason once, in
// the order the choices gave them, whether they come in one answer or one stream event at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noteAnswer, type AnswerMeta } from '../../proxy/telemetry/gen-ai.js';

test('finish reasons of several choices are noted once each, in order', () => {
  const meta: AnswerMeta = { finishReasons: [] };
  noteAnswer(meta, {
    id: 'chatcmpl-1',
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ finish_reason: 'stop' }, { finish_reason: 'length' }, { finish_reason: 'stop' }, {}],
  });
  assert.deepEqual(meta, {
    finishReasons: ['stop', 'length'],
    responseId: 'chatcmpl-1',
    responseModel: 'gpt-4o-mini-2024-07-18',
  });
});

test('stream events add their reasons to those already noted', () => {
  const meta: AnswerMeta = { finishReasons: [] };
  const event = (index: number, reason: string | null) => ({
    id: 'chatcmpl-2',
    model: 'gpt-4o',
    choices: [{ index, finish_reason: reason }],
  });
  noteAnswer(meta, event(0, null));
  assert.deepEqual(meta.finishReasons, []);
  noteAnswer(meta, event(0, 'length'));
  noteAnswer(meta, event(1, 'content_filter'));
  noteAnswer(meta, event(2, 'length'));
  noteAnswer(meta, event(3, 'stop'));
  assert.deepEqual(meta.finishReasons, ['length', 'content_filter', 'stop']);
});

test('a Responses answer notes its status, or why it is incomplete', () => {
  const done: AnswerMeta = { finishReasons: [] };
  noteAnswer(done, {
    type: 'response.completed',
    response: { object: 'response', id: 'resp_1', model: 'o4', status: 'completed' },
  });
  assert.deepEqual(done, { finishReasons: ['completed'], responseId: 'resp_1', responseModel: 'o4' });
  const cut: AnswerMeta = { finishReasons: [] };
  noteAnswer(cut, {
    object: 'response',
    id: 'resp_2',
    model: 'o4',
    status: 'incomplete',
    incomplete_details: { reason: 'max_output_tokens' },
  });
  assert.deepEqual(cut.finishReasons, ['max_output_tokens']);
});
