// Follow-ups on a stored response (GET/DELETE /v1/responses/{id}, …/cancel, …/input_items) go to
// the route that made it: its configured query kept, {deployment} filled, model-level routes
// honoured. Each test checks the exact paths the simulated Azure received.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { CLIENT_KEY, proxyHarness, type ProxyHarness } from '../harness/proxy-harness.js';

const CLASSIC = '/openai/responses?api-version=2025-04-01-preview';

// `upstreams` get the simulator's URL as their baseUrl.
async function start(
  t: TestContext,
  upstreams: Record<string, unknown>[],
  models: unknown[],
): Promise<{ h: ProxyHarness; client: OpenAI }> {
  const h = await proxyHarness(t, {
    configure: (c, sim) => {
      (c.upstreams as unknown[]).push(...upstreams.map((u) => ({ ...u, baseUrl: sim.url })));
      (c.models as unknown[]).push(...models);
    },
  });
  return { h, client: h.sdk() };
}

const seen = (h: ProxyHarness) => h.sim.requests.map((r) => `${r.method} ${r.path} ${r.status ?? '-'}`);

test("an upstream whose responses route carries an api-version keeps it on every follow-up, merged with the client's query", async (t) => {
  const { h, client } = await start(
    t,
    [{ name: 'classic', routes: { responses: CLASSIC } }],
    [{ id: 'classic-resp', upstream: 'classic', targetModel: 'dep-cr' }],
  );
  const first = await client.responses.create({ model: 'classic-resp', input: 'keep me' });
  assert.equal((await client.responses.retrieve(first.id)).id, first.id);
  const items = await client.responses.inputItems.list(first.id, { limit: 1 });
  assert.equal(items.data.length, 1);
  await assert.rejects(client.responses.cancel(first.id), (err: unknown) => err instanceof OpenAI.BadRequestError);
  // The configured api-version wins over a client's; the client's other parameters follow it.
  const raw = await fetch(`${h.url}/v1/responses/${first.id}?api-version=1999-01-01&include[]=usage`, {
    headers: { authorization: `Bearer ${CLIENT_KEY}` },
  });
  assert.equal(raw.status, 200);
  await client.responses.delete(first.id);
  assert.deepEqual(seen(h), [
    `POST ${CLASSIC} 200`,
    `GET /openai/responses/${first.id}?api-version=2025-04-01-preview 200`,
    `GET /openai/responses/${first.id}/input_items?api-version=2025-04-01-preview&limit=1 200`,
    `POST /openai/responses/${first.id}/cancel?api-version=2025-04-01-preview 400`,
    `GET /openai/responses/${first.id}?api-version=2025-04-01-preview&include[]=usage 200`,
    `DELETE /openai/responses/${first.id}?api-version=2025-04-01-preview 200`,
  ]);
});

test("a model-level responses route is the one follow-ups use, not the upstream's", async (t) => {
  const { h, client } = await start(
    t,
    [],
    [{ id: 'model-route', upstream: 'foundry', targetModel: 'dep-mr', routes: { responses: CLASSIC } }],
  );
  const first = await client.responses.create({ model: 'model-route', input: 'keep me' });
  assert.equal((await client.responses.retrieve(first.id)).id, first.id);
  assert.deepEqual(seen(h), [
    `POST ${CLASSIC} 200`,
    `GET /openai/responses/${first.id}?api-version=2025-04-01-preview 200`,
  ]);
});

test('{deployment} in a responses route is filled with the deployment that made the response', async (t) => {
  const { h, client } = await start(
    t,
    [{ name: 'apim', routes: { responses: '/gw/{deployment}/openai/v1/responses' } }],
    [
      { id: 'via-apim', upstream: 'apim', targetModel: 'dep-apim' },
      {
        id: 'by-path',
        upstream: 'foundry',
        targetModel: 'dep-path',
        routes: { '*': '/openai/deployments/{deployment}/responses?api-version=2025-04-01-preview' },
      },
    ],
  );
  // The simulator has no such paths to create responses on: the affinity records stand in for
  // two earlier creates, and the simulator's 404 is passed through.
  h.runtime.affinity.remember('resp_apim', { upstream: 'apim', deployment: 'dep-apim', model: 'via-apim' });
  h.runtime.affinity.remember('resp_path', { upstream: 'foundry', deployment: 'dep path', model: 'by-path' });
  await assert.rejects(client.responses.retrieve('resp_apim'), (err: unknown) => err instanceof OpenAI.NotFoundError);
  await assert.rejects(client.responses.delete('resp_path'), (err: unknown) => err instanceof OpenAI.NotFoundError);
  assert.deepEqual(seen(h), [
    'GET /gw/dep-apim/openai/v1/responses/resp_apim 404',
    'DELETE /openai/deployments/dep%20path/responses/resp_path?api-version=2025-04-01-preview 404',
  ]);
});
