/** Spend as CSV from the admin API: one row per bucket and series, with team and cost. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;

test('GET /admin/api/usage?format=csv lists spend per model, key, team and target', { timeout: 60_000 }, async (t) => {
  const stack = await startAdminStack(t, {
    configure: (config) => {
      config.teams = [{ id: 'research' }];
      (config.apiKeys as Json[])[0]!.team = 'research';
      (config.models as Json[])[0]!.price = { inputPerMillion: 1000, outputPerMillion: 2000 };
    },
  });
  let expected = 0;
  for (let i = 0; i < 2; i++) {
    const r = await fetch(`${stack.harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }] }),
    });
    const usage = ((await r.json()) as { usage: { prompt_tokens: number; completion_tokens: number } }).usage;
    expected += (usage.prompt_tokens * 1000 + usage.completion_tokens * 2000) / 1_000_000;
  }
  const res = await stack.api('GET', '/admin/api/usage?format=csv');
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/csv/);
  const [header, ...rows] = res.body.trim().split('\r\n');
  assert.equal(
    header,
    'start,minutes,model,key,team,target,requests,s2xx,s4xx,s429,s5xx,promptTokens,cachedTokens,completionTokens,totalTokens,cost,currency',
  );
  const cells = rows.map((r) => r.split(','));
  const mine = cells.filter((c) => c[3] === 'main');
  assert.equal(mine.length, 1);
  const row = mine[0]!;
  assert.equal(row[2], 'gpt-4o-mini');
  assert.equal(row[4], 'research');
  assert.equal(row[5], 'foundry/dep-4o-mini');
  assert.equal(row[6], '2');
  assert.ok(Math.abs(Number(row[15]) - expected) < 1e-6, `${row[15]} vs ${expected}`);
  assert.equal(row[16], 'USD');
  assert.equal((await stack.api('GET', '/admin/api/usage?format=xml')).statusCode, 400);
});
