/** Which log lines the Logs page asks for, and which of them it shows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { levelName, lineTime, logQuery, matches, type LogFilters } from '../../admin/ui/js/pages/logs/log-filter.js';

const none: LogFilters = { source: 'proxy', level: '', model: '', reqId: '', text: '', limit: '200' };

test('levels and times of pino and Caddy lines', () => {
  assert.equal(levelName(30), 'info');
  assert.equal(levelName(50), 'error');
  assert.equal(levelName(35), '35');
  assert.equal(levelName('WARN'), 'warn');
  assert.equal(levelName(undefined), '');
  assert.equal(lineTime({ time: 1_700_000_000_000 }), 1_700_000_000_000);
  assert.equal(lineTime({ ts: 1_700_000_000.5 }), 1_700_000_000_500);
  assert.equal(lineTime({ ts: '2026-01-01T00:00:00Z' }), '2026-01-01T00:00:00Z');
  assert.equal(lineTime({}), '');
});

test('the server filters on the most selective text: request id, then text, then model', () => {
  assert.equal(String(logQuery(none)), 'source=proxy&limit=200');
  assert.equal(
    String(logQuery({ ...none, source: 'caddy', level: 'warn', model: 'gpt', text: 'timeout' })),
    'source=caddy&limit=200&level=warn&q=timeout',
  );
  assert.equal(
    String(logQuery({ ...none, model: 'gpt', text: 'timeout', reqId: 'req-1' })),
    'source=proxy&limit=200&q=req-1',
  );
});

test('the browser applies every filter: model substring, request id, text', () => {
  const line = { level: 30, msg: 'request done', model: 'GPT-4o-mini', reqId: 'req-7', status: 200 };
  assert.equal(matches(line, none), true);
  assert.equal(matches(line, { ...none, model: 'gpt-4o' }), true);
  assert.equal(matches(line, { ...none, model: 'gpt-5' }), false);
  assert.equal(matches(line, { ...none, reqId: 'req-7' }), true);
  assert.equal(matches({ msg: 'x', request: { id: 'req-8' } }, { ...none, reqId: 'req-8' }), true);
  assert.equal(matches(line, { ...none, reqId: 'req-70' }), false);
  assert.equal(matches(line, { ...none, text: 'REQUEST DONE' }), true);
  assert.equal(matches(line, { ...none, text: 'failed' }), false);
});
