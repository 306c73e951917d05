// Where a model's calls go: explicit route paths with {deployment} filled in, classic
// deployment paths, and an upstream's own route for "*": "responses".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../common/config/load.js';
import { ModelCatalog } from '../../proxy/targets/model-catalog.js';

test('explicit route paths fill in {deployment} and classic deployment paths work', () => {
  const { config } = parseConfigText(
    JSON.stringify({
      upstreams: [{ name: 'u', baseUrl: 'https://x.example', routes: { responses: '/custom/responses' } }],
      models: [
        {
          id: 'a',
          upstream: 'u',
          targetModel: 'dep-a.v2',
          routes: { 'chat/completions': '/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21' },
        },
        { id: 'b', upstream: 'u', routes: { '*': 'responses' } },
      ],
    }),
  );
  const catalog = new ModelCatalog(config);
  const a = catalog.resolve(catalog.get('a')!, 'chat/completions');
  assert.ok(Array.isArray(a));
  assert.equal(a[0]?.path, '/openai/deployments/dep-a.v2/chat/completions?api-version=2024-10-21');
  const b = catalog.resolve(catalog.get('b')!, 'chat/completions');
  assert.ok(Array.isArray(b));
  assert.equal(b[0]?.path, '/custom/responses');
  assert.equal(b[0]?.deployment, 'b');
});
