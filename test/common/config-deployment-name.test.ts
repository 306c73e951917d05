// Deployment names follow Azure's rules (2-64 letters, digits, "-", "_", ".", starting with a letter
// or digit) and a refused one is named in words, not only by its JSON pointer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../common/config/validate.js';

const HELP =
  'must be an Azure deployment name: 2 to 64 letters, digits, "-", "_" or ".", starting with a letter or digit';

function issuesFor(targetModel: string) {
  const result = validateConfig({
    upstreams: [{ name: 'u', baseUrl: 'https://x.openai.azure.com' }],
    models: [
      { id: 'm', upstream: 'u', targetModel },
      { id: 'n', targets: [{ upstream: 'u', targetModel }] },
    ],
  });
  return result.ok ? [] : result.issues;
}

test('Azure-valid deployment names pass', () => {
  for (const name of ['gpt-4o', 'gpt-5.2-codex', 'my_deployment.v2', 'Llama-3.3-70B-Instruct', 'ab', 'a'.repeat(64)])
    assert.deepEqual(issuesFor(name), [], name);
});

test('names Azure cannot have are refused with the rule in words', () => {
  for (const name of ['dep a', 'a', '-lead', 'dep/x', 'a'.repeat(65), 'dép'])
    assert.deepEqual(
      [...new Set(issuesFor(name).map((i) => i.path))],
      ['/models/0/targetModel', '/models/1/targets/0/targetModel'],
      name,
    );
  assert.deepEqual(issuesFor('dep a'), [
    { path: '/models/0/targetModel', message: HELP },
    { path: '/models/1/targets/0/targetModel', message: HELP },
  ]);
});
