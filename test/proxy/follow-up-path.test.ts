// The upstream path of a follow-up on a stored response: made from the route that created it
// (the model's explicit path, else the upstream's route), with {deployment} filled and the
// configured query kept ahead of the client's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../common/config/load.js';
import { ModelCatalog } from '../../proxy/targets/model-catalog.js';
import { followUpPath } from '../../proxy/targets/follow-up-path.js';

test("followUpPath: id and action go before the query; the configured query wins over the client's, whose other parameters follow as written", () => {
  assert.equal(
    followUpPath('/openai/v1/responses', 'resp_1', '', '/v1/responses/resp_1'),
    '/openai/v1/responses/resp_1',
  );
  assert.equal(
    followUpPath('/openai/v1/responses/', 'resp_1', '/cancel', '/v1/responses/resp_1/cancel?'),
    '/openai/v1/responses/resp_1/cancel',
  );
  assert.equal(
    followUpPath(
      '/openai/responses?api-version=2025-04-01-preview',
      'resp_1',
      '/input_items',
      '/v1/responses/resp_1/input_items?limit=2&api-version=evil&after=item%201',
    ),
    '/openai/responses/resp_1/input_items?api-version=2025-04-01-preview&limit=2&after=item%201',
  );
  assert.equal(followUpPath('/r?a=1&&b', 'x', '', '/v1/responses/x?b=2&c'), '/r/x?a=1&b&c');
});

test("ModelCatalog.locate: the model's explicit path, else the upstream's route, filled with the deployment that made the answer", () => {
  const { config } = parseConfigText(
    JSON.stringify({
      upstreams: [
        { name: 'v1', baseUrl: 'http://127.0.0.1:1' },
        {
          name: 'classic',
          baseUrl: 'http://127.0.0.1:2',
          routes: { responses: '/openai/responses?api-version=2025-04-01-preview' },
        },
        { name: 'apim', baseUrl: 'http://127.0.0.1:3', routes: { responses: '/gw/{deployment}/responses' } },
      ],
      models: [
        { id: 'plain', upstream: 'v1' },
        { id: 'explicit', upstream: 'v1', routes: { '*': '/openai/deployments/{deployment}/responses?api-version=x' } },
        { id: 'keyed', upstream: 'classic', routes: { responses: 'chat/completions' } },
      ],
    }),
  );
  const catalog = new ModelCatalog(config);
  const path = (upstream: string, model: string, deployment = 'dep a') =>
    catalog.locate({ upstream, deployment, model }, 'responses')?.path;
  assert.equal(path('v1', 'plain'), '/openai/v1/responses');
  assert.equal(path('classic', 'plain'), '/openai/responses?api-version=2025-04-01-preview');
  assert.equal(path('apim', 'plain'), '/gw/dep%20a/responses');
  assert.equal(path('v1', 'explicit'), '/openai/deployments/dep%20a/responses?api-version=x');
  // A model no longer configured: the upstream's route still finds the response.
  assert.equal(path('classic', 'removed'), '/openai/responses?api-version=2025-04-01-preview');
  // A mapping to another route key is a translation, which stores nothing: the upstream's route.
  assert.equal(path('classic', 'keyed'), '/openai/responses?api-version=2025-04-01-preview');
  assert.equal(path('gone', 'plain'), undefined);
  assert.equal(
    catalog.locate({ upstream: 'apim', deployment: 'd', model: 'plain' }, 'responses')?.upstream.name,
    'apim',
  );
});
