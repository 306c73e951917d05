/**
 * The prompt estimate against prompt_tokens that the OpenAI API itself reported for published
 * examples (OpenAI's "How to count tokens with tiktoken" cookbook: 124 on gpt-4o and 129 on
 * gpt-4 for its six-message example; a one-message gpt-4o-mini call reporting 17). Text prompts
 * are counted to the token on these (docs/governance.md, "How exact the estimate is").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateTokens, tokenCounter } from '../../proxy/governance/token-estimate.js';

const cookbookMessages = [
  {
    role: 'system',
    content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
  {
    role: 'system',
    name: 'example_user',
    content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: "Let's talk later when we're less busy about how to do better.",
  },
  { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
];

test('the estimate equals the prompt_tokens the API reported for published examples', async () => {
  const o200k = await tokenCounter('o200k_base');
  const cl100k = await tokenCounter('cl100k_base');
  assert.equal(estimateTokens('chat/completions', { messages: cookbookMessages }, o200k).prompt, 124, 'gpt-4o');
  assert.equal(estimateTokens('chat/completions', { messages: cookbookMessages }, cl100k).prompt, 129, 'gpt-4');
  assert.equal(
    estimateTokens(
      'chat/completions',
      { messages: [{ role: 'user', content: 'Who won the World Cup in 2022?' }] },
      o200k,
    ).prompt,
    17,
    'gpt-4o-mini',
  );
});
