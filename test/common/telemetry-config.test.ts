// server.telemetry validation: defaults off; the prompt log must name existing keys and models
// and carry patterns that compile; an OTLP endpoint must be an http(s) URL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../common/config/validate.js';

const base = () => ({
  apiKeys: [{ id: 'main', key: 'sk-test-client-key-0001' }],
  upstreams: [{ name: 'u', baseUrl: 'https://example.openai.azure.com' }],
  models: [{ id: 'm', upstream: 'u' }],
});

test('telemetry defaults to off, and the prompt log is checked against keys, models and patterns', () => {
  const ok = validateConfig(base());
  assert.ok(ok.ok);
  assert.deepEqual(ok.config.server.telemetry, {
    serviceName: 'foundry-gateway-proxy',
    metricIntervalMs: 60_000,
    promptLog: { enabled: false, keys: [], models: [], redact: [], maxAgeDays: 7, maxTotalMiB: 256 },
  });
  const bad = validateConfig({
    ...base(),
    server: {
      telemetry: {
        otlp: { endpoint: 'collector:4318' },
        promptLog: { enabled: true, keys: ['main', 'ghost'], models: ['nope'], redact: ['(unclosed'] },
      },
    },
  });
  assert.ok(!bad.ok);
  assert.deepEqual(
    bad.issues.map((i) => i.path),
    ['/server/telemetry/otlp/endpoint'],
    'schema problems come first, alone',
  );
  const refs = validateConfig({
    ...base(),
    server: { telemetry: { promptLog: { enabled: true, keys: ['main', 'ghost'], models: ['nope'], redact: ['(x'] } } },
  });
  assert.ok(!refs.ok);
  assert.deepEqual(
    refs.issues.map((i) => i.path),
    [
      '/server/telemetry/promptLog/keys/1',
      '/server/telemetry/promptLog/models/0',
      '/server/telemetry/promptLog/redact/0',
    ],
  );
});
