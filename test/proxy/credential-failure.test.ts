// When the gateway's own upstream credential fails (the token endpoint, or the upstream refusing
// the token), the client gets a 502 naming the upstream, never its own 401, and the target's
// circuit stays closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { expectApiError } from '../harness/api-error.js';
import { HEALTH_KEY, HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('a credential failure is a 502 naming the upstream and the cause; the proxy recovers when it works again', async (t) => {
  const h = await proxyHarness(t);
  h.identity.fail('500');
  const err = await expectApiError(h.sdk().chat.completions.create(HELLO), 502, 'upstream_credential_error');
  assert.match(err.message, /"foundry"/);
  const ready = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(ready.status, 503);
  h.identity.fail('none');
  await new Promise((r) => setTimeout(r, 1100)); // past the failure back-off
  const ok = await h.sdk().chat.completions.create(HELLO);
  assert.equal(ok.object, 'chat.completion');
  const readyAgain = await fetch(`${h.url}/readyz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } });
  assert.equal(readyAgain.status, 200);
});

test("the upstream refusing the gateway's credential is a 502, not the client's 401", async (t) => {
  const h = await proxyHarness(t);
  h.sim.enqueue({ kind: 'status', status: 401 });
  const err = await h
    .sdk()
    .chat.completions.create(HELLO)
    .catch((e: unknown) => e);
  assert.ok(err instanceof OpenAI.APIError && !(err instanceof OpenAI.AuthenticationError));
  assert.equal(err.status, 502);
  assert.equal(err.code, 'upstream_credential_error');
  assert.match(err.message, /"foundry".*401/);
});

test("credential failures fail over but do not open the target's circuit", async (t) => {
  const h = await proxyHarness(t, {
    configure: (c) => {
      (c.server as Record<string, unknown>).upstream = { circuitBreaker: { failureThreshold: 2, openMs: 60_000 } };
    },
  });
  h.identity.fail('500');
  for (let i = 0; i < 3; i++) {
    const err = await h
      .sdk()
      .chat.completions.create(HELLO)
      .catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError && err.status === 502, `attempt ${i}: ${String(err)}`);
  }
  h.identity.fail('none');
  await new Promise((r) => setTimeout(r, 1100)); // the token cache's failure back-off
  const ok = await h.sdk().chat.completions.create(HELLO);
  assert.equal(ok.object, 'chat.completion', 'served at once: the circuit never opened');
});
