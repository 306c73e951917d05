// /healthz and /readyz: a key is needed, the health key sees the per-upstream detail, and neither
// calls the upstream or fetches a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_KEY, HEALTH_KEY, proxyHarness } from '../harness/proxy-harness.js';

test('healthz and readyz need a key, accept the health key, and never call the upstream', async (t) => {
  const h = await proxyHarness(t);
  assert.equal((await fetch(`${h.url}/healthz`)).status, 401);
  const health = await fetch(`${h.url}/healthz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { status: 'ok' });
  // Let the start-up token warm-up finish, then readiness reports each upstream from memory.
  await new Promise((r) => setTimeout(r, 300));
  const clientView = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
  assert.equal(clientView.status, 200);
  assert.deepEqual(await clientView.json(), { status: 'ready' }, 'client keys see no identities or error texts');
  const ready = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(ready.status, 200);
  const body = (await ready.json()) as { status: string; upstreams: Record<string, { state: string; mode: string }> };
  assert.equal(body.status, 'ready');
  assert.match(body.upstreams.foundry?.mode ?? '', /^managedIdentity\(/);
  assert.equal(body.upstreams.keyed?.mode, 'apiKey');
  const fetchesBefore = h.identity.requests.length;
  for (let i = 0; i < 5; i++) await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(h.identity.requests.length, fetchesBefore, 'readyz fetches no tokens');
  assert.equal(h.sim.requests.length, 0);
});
