// The telemetry benchmark runs a round's runs in a balanced order (bench/run-order.ts), so what a
// run leaves behind is paid by every other run in turn, not always by the same one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedOrder } from '../../bench/run-order.js';

// How often each run came right after each other run within the rounds of one full cycle.
function followers(n: number, rounds: number): Map<string, number> {
  const seen = new Map<string, number>();
  for (let r = 0; r < rounds; r++) {
    const order = balancedOrder(n, r);
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      Array.from({ length: n }, (_, k) => k),
      `round ${r} runs each of ${n} once: ${order.join(',')}`,
    );
    for (let k = 1; k < n; k++)
      seen.set(`${order[k - 1]}>${order[k]}`, (seen.get(`${order[k - 1]}>${order[k]}`) ?? 0) + 1);
  }
  return seen;
}

test('over n rounds (2n for an odd n) every run comes right after every other run equally often', () => {
  for (const n of [2, 3, 4, 5, 6, 7]) {
    const rounds = n % 2 ? 2 * n : n;
    const seen = followers(n, rounds);
    assert.equal(seen.size, n * (n - 1), `n=${n}: every ordered pair occurs`);
    assert.deepEqual(new Set(seen.values()), new Set([n % 2 ? 2 : 1]), `n=${n}: every pair equally often`);
  }
});

test('each run is first in one round of six and last in one', () => {
  const firsts = new Map<number, number>();
  const lasts = new Map<number, number>();
  for (let r = 0; r < 6; r++) {
    const order = balancedOrder(6, r);
    firsts.set(order[0]!, (firsts.get(order[0]!) ?? 0) + 1);
    lasts.set(order[5]!, (lasts.get(order[5]!) ?? 0) + 1);
  }
  assert.deepEqual([...firsts.values()], [1, 1, 1, 1, 1, 1]);
  assert.deepEqual([...lasts.values()], [1, 1, 1, 1, 1, 1]);
});
