import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;

test('a restart mid-month keeps month usage, spend and last use of the key', async (t) => {
  const h = await startProxyHarness({
    configure: (config) => {
      (config.apiKeys as Json[])[0]!.limits = { tokensPerMonth: 10_000 };
      (config.models as Json[])[0]!.price = { inputPerMillion: 2, outputPerMillion: 8 };
    },
  });
  t.after(() => h.close());
  const client = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  let tokens = 0;
  let cost = 0;
  for (let i = 0; i < 3; i++) {
    const a = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    tokens += a.usage?.total_tokens ?? 0;
    cost += ((a.usage?.prompt_tokens ?? 0) * 2 + (a.usage?.completion_tokens ?? 0) * 8) / 1_000_000;
  }
  const before = (await (await fetch(`${h.internalUrl}/internal/governance`)).json()) as {
    scopes: Record<string, { tokensThisMonth: number; spendThisMonth: number }>;
    lastUsed: Record<string, string>;
  };
  assert.equal(before.scopes['key:main']?.tokensThisMonth, tokens);
  assert.ok(Math.abs((before.scopes['key:main']?.spendThisMonth ?? 0) - cost) < 1e-12);
  await h.restart();
  const after = (await (await fetch(`${h.internalUrl}/internal/governance`)).json()) as typeof before;
  assert.equal(after.scopes['key:main']?.tokensThisMonth, tokens);
  assert.ok(Math.abs((after.scopes['key:main']?.spendThisMonth ?? 0) - cost) < 1e-12);
  assert.equal(after.lastUsed.main, before.lastUsed.main);
});
