// LangChain's AzureChatOpenAI through the HTTPS front door: it builds
// `{endpoint}/openai/deployments/{deployment}` and sends `api-key` and `api-version` itself;
// invoke and stream both come back from the model's deployment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzureChatOpenAI } from '@langchain/openai';
import { startCaddyFront } from '../harness/caddy-front.js';
import { CLIENT_KEY } from '../harness/proxy-harness.js';

test(
  'LangChain AzureChatOpenAI through Caddy: invoke and stream on a deployment path',
  { timeout: 60_000 },
  async (t) => {
    const front = await startCaddyFront(t);
    const llm = new AzureChatOpenAI({
      azureOpenAIEndpoint: front.url,
      azureOpenAIApiKey: CLIENT_KEY,
      azureOpenAIApiDeploymentName: 'gpt-4o-mini',
      azureOpenAIApiVersion: '2024-10-21',
      maxRetries: 0,
      configuration: { fetch: front.fetch },
    });

    const answer = await llm.invoke('langchain invoke');
    assert.equal(answer.content, 'Echo: langchain invoke');

    let text = '';
    for await (const chunk of await llm.stream('langchain stream'))
      text += typeof chunk.content === 'string' ? chunk.content : '';
    assert.equal(text, 'Echo: langchain stream');

    const calls = front.harness.sim.requests.filter((r) => r.operation === 'chat');
    assert.equal(calls.length, 2);
    assert.ok(calls.every((r) => (r.body as { model?: unknown }).model === 'dep-4o-mini'));
  },
);
