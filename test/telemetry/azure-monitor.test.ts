// Azure Monitor: with a connection string whose IngestionEndpoint is a loopback receiver, the
// distro posts the request span to /v2.1/track as an Application Insights request carrying the
// GenAI attributes, and the upstream attempt as a dependency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELLO, startProxyHarness } from '../harness/proxy-harness.js';
import { startIngestionReceiver } from '../harness/ingestion-receiver.js';
import { waitUntil } from '../harness/ports.js';

const IKEY = '11111111-2222-4333-8444-555555555555';

test('the Azure Monitor distro sends requests and dependencies to the ingestion endpoint', async (t) => {
  const ingestion = await startIngestionReceiver();
  const h = await startProxyHarness({
    configure: (c) => {
      (c.server as Record<string, unknown>).telemetry = {
        serviceName: 'gateway-under-test',
        azureMonitor: { connectionString: `InstrumentationKey=${IKEY};IngestionEndpoint=${ingestion.url}/` },
      };
    },
  });
  t.after(async () => {
    await h.close();
    await ingestion.close();
  });
  await h.app.telemetry!.flush();
  const res = await h.postChat(HELLO);
  assert.equal(res.status, 200);
  const answer = (await res.json()) as { usage: { prompt_tokens: number } };
  await waitUntil(async () => (await h.stats()).totals.requests === 1, 5_000, 'the request to be recorded');
  await h.app.telemetry!.flush();
  await waitUntil(
    async () => ingestion.envelopes.some((e) => e.data?.baseType === 'RequestData'),
    10_000,
    'a request item at the ingestion endpoint',
  );
  assert.ok(ingestion.paths.every((p) => p === '/v2.1/track'));
  const request = ingestion.envelopes.find((e) => e.data?.baseType === 'RequestData')!;
  assert.equal(request.iKey, IKEY);
  assert.equal(request.tags?.['ai.cloud.role'], 'gateway-under-test');
  const props = request.data?.baseData?.properties as Record<string, string>;
  assert.equal(props['gen_ai.request.model'], 'gpt-4o-mini');
  assert.equal(props['gen_ai.operation.name'], 'chat');
  assert.equal(props['gateway.key.id'], 'main');
  assert.equal(String(props['gen_ai.usage.input_tokens']), String(answer.usage.prompt_tokens));
  const dependency = ingestion.envelopes.find((e) => e.data?.baseType === 'RemoteDependencyData');
  assert.ok(dependency, 'the upstream attempt is a dependency');
  assert.equal(dependency.tags?.['ai.operation.id'], request.tags?.['ai.operation.id']);
});
