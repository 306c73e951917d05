// Which exporters are on: none by default; the standard OTEL_* variables and the Application
// Insights connection string switch them on and win over the config block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exporterSettings } from '../../proxy/telemetry/exporter-settings.js';

const CONFIG = { serviceName: 'foundry-gateway-proxy', metricIntervalMs: 60_000 } as Parameters<
  typeof exporterSettings
>[0];

test('off by default; the environment switches exporters on and wins over the config', () => {
  assert.equal(exporterSettings(CONFIG, {}), undefined);
  assert.deepEqual(exporterSettings(CONFIG, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), {
    serviceName: 'foundry-gateway-proxy',
    otlp: {
      tracesUrl: 'http://collector:4318/v1/traces',
      metricsUrl: 'http://collector:4318/v1/metrics',
      protocol: 'http/protobuf',
      headers: {},
    },
    metricIntervalMs: 60_000,
    samplingRatio: 1,
  });
  const configured = {
    ...CONFIG,
    otlp: { endpoint: 'http://from-config:4318', protocol: 'http/protobuf' as const },
    azureMonitor: { connectionString: 'InstrumentationKey=from-config' },
  };
  assert.deepEqual(
    exporterSettings(configured, {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://from-env:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces-only:4318/custom',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc, x-tenant=t1',
      OTEL_SERVICE_NAME: 'gw-east',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=from-env',
    }),
    {
      serviceName: 'gw-east',
      otlp: {
        tracesUrl: 'http://traces-only:4318/custom',
        metricsUrl: 'http://from-env:4318/v1/metrics',
        protocol: 'http/json',
        headers: { authorization: 'Bearer abc', 'x-tenant': 't1' },
      },
      azureMonitor: { connectionString: 'InstrumentationKey=from-env' },
      metricIntervalMs: 60_000,
      samplingRatio: 1,
    },
  );
  assert.equal(exporterSettings(configured, { OTEL_SDK_DISABLED: 'true' }), undefined);
});

test("OTEL_TRACES_SAMPLER gives the Azure Monitor distro's sampling ratio", () => {
  const ratio = (env: Record<string, string>) =>
    exporterSettings(CONFIG, { APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=k', ...env })?.samplingRatio;
  assert.deepEqual(
    [
      ratio({}),
      ratio({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }),
      ratio({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '7' }),
      ratio({ OTEL_TRACES_SAMPLER: 'traceidratio' }),
      ratio({ OTEL_TRACES_SAMPLER: 'always_off' }),
      ratio({ OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: '0.1' }),
    ],
    [1, 0.1, 1, 1, 0, 1],
  );
});
