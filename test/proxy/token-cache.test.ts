// Entra tokens for a managed-identity upstream are fetched once and shared, concurrent requests
// included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyHarness } from '../harness/proxy-harness.js';

test('Entra tokens are cached: many requests, concurrent ones included, share one token fetch', async (t) => {
  const h = await proxyHarness(t);
  const client = h.sdk();
  await Promise.all(
    Array.from({ length: 8 }, () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
    ),
  );
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y' }] });
  assert.equal(h.sim.requests.length, 9);
  assert.equal(h.identity.requests.length, 1);
});
