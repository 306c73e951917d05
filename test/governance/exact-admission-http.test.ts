import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'undici';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;

test('120 concurrent HTTP requests against a key limited to 7 per minute and a team limited to 11: exactly 7 and 11 succeed', async (t) => {
  const h = await startProxyHarness({
    configure: (config) => {
      config.teams = [{ id: 'research', limits: { requestsPerMinute: 11 } }];
      const keys = config.apiKeys as Json[];
      keys[0]!.limits = { requestsPerMinute: 7 };
      keys[0]!.team = 'research';
      keys[1]!.team = 'research';
    },
  });
  t.after(() => h.close());
  const dispatcher = new Agent({ connections: 64 });
  t.after(() => dispatcher.close());
  const send = (key: string) =>
    request(`${h.url}/v1/chat/completions`, {
      dispatcher,
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    }).then(async (r) => {
      await r.body.text();
      return r.statusCode;
    });
  const statuses = await Promise.all(Array.from({ length: 120 }, () => send(CLIENT_KEY)));
  assert.equal(statuses.filter((s) => s === 200).length, 7);
  assert.equal(statuses.filter((s) => s === 429).length, 113);
  const other = await Promise.all(Array.from({ length: 60 }, () => send('sk-test-limited-key-0002')));
  assert.equal(other.filter((s) => s === 200).length, 4, 'the team had 11: 7 went to the first key');
  assert.equal(h.sim.requests.length, 11);
});
