/** Server-sent events arrive in pieces: whole events are taken out, the unfinished rest is kept. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeEvents } from '../../admin/ui/js/pages/playground/sse.js';

test('whole events out, the rest kept for the next piece', () => {
  const first = takeEvents('data: {"a":1}\n\ndata: {"b"');
  assert.deepEqual(first, { data: ['{"a":1}'], rest: 'data: {"b"' });
  const second = takeEvents(`${first.rest}:2}\n\ndata: [DONE]\n\n`);
  assert.deepEqual(second, { data: ['{"b":2}', '[DONE]'], rest: '' });
});

test('CRLF line ends, multi-line data, and lines that are not data', () => {
  assert.deepEqual(takeEvents('event: delta\r\ndata: one\r\ndata:two\r\n\r\n: comment\n\n'), {
    data: ['one\ntwo', ''],
    rest: '',
  });
});
