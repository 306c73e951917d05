// Failures to reach the upstream map to 502 and 504 in OpenAI's shape, naming the upstream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { expectApiError } from '../harness/api-error.js';
import { HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('transport failures: refused → 502, slow headers → 504, total deadline → 504, all naming the upstream', async (t) => {
  const h = await proxyHarness(t, {
    configure: (c) => {
      const server = c.server as Record<string, unknown>;
      server.upstream = {
        connectTimeoutMs: 1000,
        firstByteTimeoutMs: 300,
        idleTimeoutMs: 5000,
        requestTimeoutMs: 30000,
      };
      (c.upstreams as Array<Record<string, unknown>>).push({ name: 'dead', baseUrl: 'http://127.0.0.1:1' });
      (c.models as Array<Record<string, unknown>>).push({ id: 'dead-model', upstream: 'dead' });
    },
  });
  const refused = await expectApiError(
    h.sdk().chat.completions.create({ ...HELLO, model: 'dead-model' }),
    502,
    'upstream_unreachable',
  );
  assert.match(refused.message, /"dead".*refused/);
  h.sim.enqueue({ kind: 'slowHeaders', delayMs: 2000 });
  const slow = await expectApiError(h.sdk().chat.completions.create(HELLO), 504, 'upstream_timeout', OpenAI.APIError);
  assert.match(slow.message, /"foundry".*firstByteTimeoutMs/);
});
