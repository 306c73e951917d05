// The openai package's own AzureOpenAI class, pointed at the gateway's HTTPS front door as if it
// were an Azure resource: it calls /openai/deployments/{model}/chat/completions?api-version=…
// with an `api-key` header, JSON and streamed, and the gateway serves it from the model's
// Foundry v1 deployment with its own Entra token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzureOpenAI } from 'openai';
import { startCaddyFront } from '../harness/caddy-front.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';

test(
  "AzureOpenAI through Caddy: a deployment-path chat call, JSON and streamed, served by the model's deployment",
  { timeout: 60_000 },
  async (t) => {
    const front = await startCaddyFront(t);
    const client = new AzureOpenAI({
      endpoint: front.url,
      apiKey: CLIENT_KEY,
      apiVersion: '2024-10-21',
      fetch: front.fetch,
      maxRetries: 0,
    });

    const answer = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'through the azure front' }],
    });
    assert.equal(answer.choices[0]?.message.content, 'Echo: through the azure front');

    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'streamed through the azure front' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    assert.equal(text, 'Echo: streamed through the azure front');

    const calls = front.harness.sim.requests.filter((r) => r.operation === 'chat');
    assert.deepEqual(
      calls.map((r) => r.path),
      ['/openai/v1/chat/completions', '/openai/v1/chat/completions'],
    );
    assert.deepEqual(
      calls.map((r) => (r.body as { model?: unknown }).model),
      ['dep-4o-mini', 'dep-4o-mini'],
    );
    // The gateway's own credential went upstream, never the client's key.
    for (const call of calls) {
      assert.equal(call.headers['api-key'], undefined);
      assert.match(call.headers.authorization ?? '', /^Bearer /);
    }
    const stats = await front.harness.stats();
    assert.equal(stats.totals.requests, 2);
  },
);
