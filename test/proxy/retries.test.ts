// Retries on the same target: only the statuses in retryStatuses, at most maxRetries times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyHarness } from '../harness/proxy-harness.js';
import { askPool as ask, statusOf } from '../harness/target-pool.js';

test('retryStatuses are honoured exactly: only listed statuses are retried on the same target', async (t) => {
  const h = await proxyHarness(t, {
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = {
        maxRetries: 2,
        retryBaseMs: 10,
        retryMaxMs: 20,
        retryStatuses: [500],
        firstByteTimeoutMs: 2000,
      };
    },
  });
  const client = h.sdk();
  h.sim.enqueue({ kind: 'status', status: 503 });
  assert.equal(await statusOf(ask(client, { model: 'gpt-5-mini' })), 503);
  assert.equal(h.sim.requests.length, 1, '503 is not in retryStatuses: no retry');
  h.sim.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 });
  assert.equal(await statusOf(ask(client, { model: 'gpt-5-mini' })), 200);
  assert.equal(h.sim.requests.length, 4, '500 twice, then success on the third try');
  h.sim.enqueue({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
  assert.equal(await statusOf(ask(client, { model: 'gpt-5-mini' })), 500);
  assert.equal(h.sim.requests.length, 7, 'maxRetries 2: three calls in all');
});
