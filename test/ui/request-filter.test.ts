/** The request search's query and the narrowing of its answer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asRequestAnswer,
  requestQuery,
  statusTone,
  type RequestFilters,
} from '../../admin/ui/js/pages/logs/request-filter.js';

const none: RequestFilters = { id: '', key: '', model: '', status: '', range: 'all', limit: '200' };

test('the query carries only the filters that are set, the range as a start time', () => {
  assert.equal(String(requestQuery(none, 1_000_000)), 'limit=200');
  assert.equal(
    String(requestQuery({ ...none, id: 'req-1', key: 'main', model: 'gpt', status: '4xx', range: '15m' }, 1_000_000)),
    'limit=200&id=req-1&key=main&model=gpt&status=4xx&from=100000',
  );
});

test('the answer is narrowed: unknown fields dropped, missing ones empty, Caddy rows marked', () => {
  const a = asRequestAnswer({
    records: [
      {
        at: 5,
        id: 'a',
        method: 'POST',
        path: '/v1/x',
        keyId: 'main',
        status: 429,
        ms: 3,
        upstream: false,
        source: 'proxy',
        error: 'rate_limit_exceeded',
        extra: 1,
      },
      { at: 4, status: 413, source: 'caddy' },
      'not a record',
    ],
    matched: 7,
    proxy: { capacity: 20000, since: 1, oldestAt: 2 },
  });
  assert.equal(a.rows.length, 2);
  assert.deepEqual(a.rows[0], {
    at: 5,
    id: 'a',
    method: 'POST',
    path: '/v1/x',
    keyId: 'main',
    model: '',
    target: '',
    status: 429,
    ms: 3,
    error: 'rate_limit_exceeded',
    upstream: false,
    source: 'proxy',
  });
  assert.equal(a.rows[1]?.source, 'caddy');
  assert.deepEqual([a.matched, a.capacity, a.since, a.oldestAt, a.proxyUnavailable], [7, 20000, 1, 2, null]);
  assert.deepEqual(asRequestAnswer(null), {
    rows: [],
    matched: 0,
    capacity: null,
    since: null,
    oldestAt: null,
    proxyUnavailable: null,
  });
  assert.equal(
    asRequestAnswer({ records: [], proxy: { unavailable: 'ECONNREFUSED' } }).proxyUnavailable,
    'ECONNREFUSED',
  );
});

test('status tones: success, refusal, failure, client left', () => {
  assert.deepEqual([200, 404, 429, 502, 0].map(statusTone), ['ok', 'warn', 'warn', 'error', 'muted']);
});
