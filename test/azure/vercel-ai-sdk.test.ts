// The Vercel AI SDK's Azure provider through the HTTPS front door, in both of its URL shapes:
// deployment-based (`/openai/deployments/{model}/chat/completions?api-version=…`) for chat, and
// Foundry v1 (`/openai/v1/responses`, its default language model), JSON and streamed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAzure } from '@ai-sdk/azure';
import { generateText, streamText } from 'ai';
import { startCaddyFront } from '../harness/caddy-front.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';

test(
  'the Vercel AI SDK Azure provider through Caddy: deployment-based chat and v1 responses, generated and streamed',
  { timeout: 60_000 },
  async (t) => {
    const front = await startCaddyFront(t);
    const deployments = createAzure({
      baseURL: `${front.url}/openai`,
      apiKey: CLIENT_KEY,
      useDeploymentBasedUrls: true,
      apiVersion: '2025-04-01-preview',
      fetch: front.fetch,
    });
    const v1 = createAzure({ baseURL: `${front.url}/openai/v1`, apiKey: CLIENT_KEY, fetch: front.fetch });

    const chat = await generateText({ model: deployments.chat('gpt-4o-mini'), prompt: 'vercel chat', maxRetries: 0 });
    assert.equal(chat.text, 'Echo: vercel chat');
    assert.ok(chat.usage.inputTokens !== undefined && chat.usage.inputTokens > 0);

    const streamed = streamText({ model: deployments.chat('gpt-4o-mini'), prompt: 'vercel stream', maxRetries: 0 });
    let text = '';
    for await (const delta of streamed.textStream) text += delta;
    assert.equal(text, 'Echo: vercel stream');

    const responses = await generateText({ model: v1('gpt-5-mini'), prompt: 'vercel responses', maxRetries: 0 });
    assert.equal(responses.text, 'Echo: vercel responses');
    const responsesStream = streamText({
      model: v1.responses('gpt-5-mini'),
      prompt: 'vercel responses stream',
      maxRetries: 0,
    });
    let streamedResponses = '';
    for await (const delta of responsesStream.textStream) streamedResponses += delta;
    assert.equal(streamedResponses, 'Echo: vercel responses stream');

    const paths = front.harness.sim.requests.map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(paths, [
      'POST /openai/v1/chat/completions',
      'POST /openai/v1/chat/completions',
      'POST /openai/v1/responses',
      'POST /openai/v1/responses',
    ]);
  },
);
