import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;

function limitedHarness(limits: Json, extra: (config: Json) => void = () => undefined) {
  return startProxyHarness({
    configure: (config) => {
      const keys = config.apiKeys as Json[];
      keys[0]!.limits = limits;
      extra(config);
    },
  });
}

const sdk = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
const ask = (client: OpenAI, max?: number) =>
  client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'hello there' }],
    ...(max ? { max_tokens: max } : {}),
  });

async function refusal(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.RateLimitError>> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OpenAI.RateLimitError, `expected RateLimitError, got ${String(err)}`);
    return err;
  }
  assert.fail('the request was not refused');
}

test("requests per minute: the SDK raises RateLimitError rate_limit_exceeded with an exact retry-after; our headers replace Azure's", async (t) => {
  const h = await limitedHarness({ requestsPerMinute: 2 });
  t.after(() => h.close());
  const client = sdk(h.url);
  const { response } = await client.chat.completions
    .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
    .withResponse();
  assert.equal(response.headers.get('x-ratelimit-limit-requests'), '2');
  assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '1');
  assert.match(response.headers.get('x-ratelimit-reset-requests') ?? '', /^(59s|1m0s)$/);
  assert.ok(response.headers.get('x-upstream-ratelimit-remaining-requests'), "Azure's own value moves aside");
  await ask(client);
  const err = await refusal(ask(client));
  assert.equal(err.status, 429);
  assert.equal(err.code, 'rate_limit_exceeded');
  assert.equal(err.type, 'requests');
  assert.match(err.message, /key "main" on requests per minute: limit 2/);
  const retry = Number(err.headers?.get('retry-after'));
  assert.ok(retry >= 59 && retry <= 60, `retry-after ${retry}`);
  assert.equal(err.headers?.get('x-ratelimit-remaining-requests'), '0');
  assert.equal(h.sim.requests.length, 2, 'the refused request never reached Azure');
});

test("tokens per minute: the prompt estimate plus max_tokens is reserved, then corrected to Azure's usage", async (t) => {
  const h = await limitedHarness({ tokensPerMinute: 400 });
  t.after(() => h.close());
  const client = sdk(h.url);
  const first = await ask(client, 300);
  const used = first.usage?.total_tokens ?? 0;
  assert.ok(used > 0 && used < 100);
  // 400 − used remain; another 300-token cap plus the prompt still fits only if the first was corrected.
  await ask(client, 300);
  const err = await refusal(ask(client, 390));
  assert.equal(err.code, 'rate_limit_exceeded');
  assert.equal(err.type, 'tokens');
  assert.match(err.message, /tokens per minute: limit 400/);
  const tooLarge = await refusal(ask(client, 5000));
  assert.match(tooLarge.message, /Request too large/);
  assert.equal(tooLarge.headers?.get('retry-after'), null, 'no wait can make it fit');
});

test('tokens per day refuse with insufficient_quota naming when the UTC day ends; spend is counted at the model price', async (t) => {
  const h = await limitedHarness({ tokensPerDay: 60, maxConcurrent: 1 }, (config) => {
    (config.models as Json[])[0]!.price = { inputPerMillion: 1_000_000, outputPerMillion: 1_000_000 };
    (config.apiKeys as Json[])[0]!.budget = { amount: 1000, period: 'day' };
  });
  t.after(() => h.close());
  const client = sdk(h.url);
  await ask(client);
  const err = await refusal(ask(client, 45));
  assert.equal(err.code, 'insufficient_quota');
  assert.equal(err.type, 'insufficient_quota');
  assert.match(err.message, /tokens per day \(UTC\): limit 60\. It resets at \d{4}-\d{2}-\d{2}T00:00:00\.000Z/);
  const view = (await (await fetch(`${h.internalUrl}/internal/governance`)).json()) as {
    scopes: Record<string, { spendToday: number; tokensToday: number }>;
  };
  assert.ok((view.scopes['key:main']?.spendToday ?? 0) > 0, "spend at the model's price");
});

test('a budget: requests pass while spend is below it and are refused once it is reached', async (t) => {
  const h = await startProxyHarness({
    configure: (config) => {
      (config.apiKeys as Json[])[0]!.budget = { amount: 0.0001, period: 'month' };
      (config.models as Json[])[0]!.price = { inputPerMillion: 1, outputPerMillion: 1 };
    },
  });
  t.after(() => h.close());
  const client = sdk(h.url);
  let ok = 0;
  let spend = 0;
  let refused: InstanceType<typeof OpenAI.RateLimitError> | undefined;
  for (let i = 0; i < 40 && !refused; i++) {
    try {
      const before = spend;
      const answer = await ask(client);
      spend += ((answer.usage?.prompt_tokens ?? 0) + (answer.usage?.completion_tokens ?? 0)) / 1_000_000;
      assert.ok(before < 0.0001, 'admitted only while spend was below the budget');
      ok++;
    } catch (err) {
      assert.ok(err instanceof OpenAI.RateLimitError);
      refused = err;
    }
  }
  assert.ok(refused, 'the budget was reached');
  assert.ok(spend >= 0.0001, `refused at a spend of ${spend}, never below the budget`);
  assert.equal(refused.code, 'insufficient_quota');
  assert.match(refused.message, /Budget exhausted for key "main": its monthly budget of 0.0001 USD is spent/);
  assert.ok(ok > 1);
  const metrics = await (await fetch(`${h.internalUrl}/metrics`)).text();
  assert.match(metrics, /gateway_budget_alert\{scope="key:main",threshold="1"\} 1/);
  assert.match(metrics, /gateway_budget_used_ratio\{scope="key:main",period="month"\} 1\.\d+/);
});
