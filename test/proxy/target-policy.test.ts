import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryAfterMs, backoffMs } from '../../proxy/targets/retry-after.js';
import { TargetStates } from '../../proxy/targets/target-state.js';
import { orderTargets, targetKey } from '../../proxy/targets/target-order.js';
import type { ResolvedTarget } from '../../proxy/targets/model-catalog.js';
import type { UpstreamEntry } from '../../common/config/schema.js';

const quiet = { warn: () => undefined, info: () => undefined };
const policy = { failureThreshold: 3, openMs: 1000, minRemainingRequests: 1, minRemainingTokens: 1000 };

function target(name: string, priority = 0, weight = 1): ResolvedTarget {
  const upstream: UpstreamEntry = { name, baseUrl: `https://${name}.example`, routes: {} };
  return {
    upstream,
    deployment: 'd',
    path: '/openai/v1/chat/completions',
    upstreamRoute: 'chat/completions',
    priority,
    weight,
  };
}

test('Retry-After in every form Azure uses', () => {
  assert.equal(retryAfterMs({ 'retry-after-ms': '1500', 'retry-after': '9' }), 1500);
  assert.equal(retryAfterMs({ 'x-ms-retry-after-ms': '250' }), 250);
  assert.equal(retryAfterMs({ 'retry-after': '3' }), 3000);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, now), 5000);
  assert.equal(retryAfterMs({ 'retry-after': 'soon' }), undefined);
  assert.equal(retryAfterMs({}), undefined);
});

test('backoff is jittered within [0, min(max, base·2^n)]', () => {
  assert.equal(
    backoffMs(0, 800, 8000, () => 1),
    800,
  );
  assert.equal(
    backoffMs(3, 800, 8000, () => 1),
    6400,
  );
  assert.equal(
    backoffMs(10, 800, 8000, () => 1),
    8000,
  );
  assert.equal(
    backoffMs(5, 800, 8000, () => 0),
    0,
  );
});

test('order: lowest priority tier first; nearly exhausted targets after those with room; weights spread load', () => {
  const states = new TargetStates(policy, quiet);
  const a = target('a', 0),
    b = target('b', 0),
    c = target('c', 1);
  states.observeHeaders(targetKey(a), {
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-remaining-tokens': '50000',
  });
  for (let i = 0; i < 20; i++)
    assert.deepEqual(
      orderTargets([c, a, b], states).map((t) => t.upstream.name),
      ['b', 'a', 'c'],
    );
  const heavy = target('heavy', 0, 9),
    light = target('light', 0, 1);
  let heavyFirst = 0;
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 1000; i++)
    if (orderTargets([light, heavy], new TargetStates(policy, quiet), random)[0] === heavy) heavyFirst++;
  assert.ok(heavyFirst > 850 && heavyFirst < 950, `weight 9:1 put heavy first ${heavyFirst}/1000 times`);
});

test('circuit breaker: opens after the threshold, half-opens for exactly one probe, closes on success', () => {
  let now = 0;
  const states = new TargetStates(policy, quiet, () => now);
  const key = 'a/d';
  for (let i = 0; i < 3; i++) {
    assert.ok(states.tryAcquire(key));
    states.failed(key, '500');
  }
  assert.equal(states.view()[key]?.state, 'circuit_open');
  assert.equal(states.tryAcquire(key), false);
  now = 1000;
  assert.equal(states.tryAcquire(key), true, 'one probe after openMs');
  assert.equal(states.tryAcquire(key), false, 'a second concurrent probe is refused');
  states.failed(key, '500');
  assert.equal(states.view()[key]?.state, 'circuit_open', 'a failed probe reopens at once');
  now = 2000;
  assert.ok(states.tryAcquire(key));
  states.succeeded(key);
  assert.equal(states.view()[key]?.state, 'healthy');
  assert.ok(states.tryAcquire(key) && states.tryAcquire(key));
});

test('a 429 cools a target down for exactly the time asked, without tripping the breaker', () => {
  let now = 0;
  const states = new TargetStates(policy, quiet, () => now);
  for (let i = 0; i < 5; i++) states.rateLimited('a/d', 2000, '429');
  assert.equal(states.waitMs('a/d'), 2000);
  assert.equal(states.view()['a/d']?.state, 'cooling_down');
  now = 2000;
  assert.equal(states.waitMs('a/d'), 0);
  assert.ok(states.tryAcquire('a/d'));
});
