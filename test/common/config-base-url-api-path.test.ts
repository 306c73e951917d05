// A base URL that already ends in the API path (/openai or /openai/v1) is refused with the
// resource's address to use instead: the routes add /openai/v1/<route> themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../common/config/validate.js';
import { resourceBaseUrl } from '../../common/config/upstream-checks.js';

const issuesFor = (baseUrl: string) => {
  const result = validateConfig({ upstreams: [{ name: 'u', baseUrl }], models: [] });
  return result.ok ? [] : result.issues;
};

test('a base URL ending in /openai/v1 or /openai is refused, naming the address to use', () => {
  for (const url of [
    'https://x.openai.azure.com/openai/v1',
    'https://x.openai.azure.com/openai/v1/',
    'https://x.openai.azure.com/openai',
  ])
    assert.deepEqual(issuesFor(url), [
      {
        path: '/upstreams/0/baseUrl',
        message:
          "ends in the API path; use the resource's address only (https://x.openai.azure.com): the gateway adds /openai/v1/... to each call",
      },
    ]);
  assert.deepEqual(issuesFor('https://x.openai.azure.com'), []);
  assert.deepEqual(issuesFor('https://apim.example.com/team-a/openai-proxy'), []);
  assert.equal(resourceBaseUrl('https://x.services.ai.azure.com/openai/v1/'), 'https://x.services.ai.azure.com');
});
