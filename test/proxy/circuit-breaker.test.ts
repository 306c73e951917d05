// A target that keeps failing is taken out (circuit open, reported by /readyz), then tested with
// one request (half-open) and given its traffic back once it answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HEALTH_KEY } from '../harness/proxy-harness.js';
import { askPool as ask, startTargetPool, statusOf } from '../harness/target-pool.js';

test('the circuit opens after consecutive failures, then one request tests the target (half-open)', async (t) => {
  const { h, a, b, client } = await startTargetPool(t, {
    upstream: { circuitBreaker: { failureThreshold: 2, openMs: 600 } },
  });
  a.setDefault({ kind: 'status', status: 500 });
  for (let i = 0; i < 2; i++) assert.equal(await statusOf(ask(client)), 200);
  assert.equal(a.requests.length, 2);
  for (let i = 0; i < 3; i++) assert.equal(await statusOf(ask(client)), 200);
  assert.equal(a.requests.length, 2, 'circuit open: target a is not called');
  const ready = (await (
    await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } })
  ).json()) as { targets: Record<string, { state: string }> };
  assert.equal(ready.targets['a/dep-a']?.state, 'circuit_open');
  a.setDefault('ok');
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(await statusOf(ask(client)), 200);
  assert.equal(a.requests.length, 3, 'one probe reached target a');
  for (let i = 0; i < 3; i++) await ask(client);
  assert.equal(a.requests.length, 6, 'circuit closed again: target a (priority 0) takes the traffic');
  assert.equal(b.requests.length, 5);
});
