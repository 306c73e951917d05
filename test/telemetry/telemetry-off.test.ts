// With no exporter configured, serving requests loads nothing of the OpenTelemetry SDK, its
// exporters or the Azure Monitor distro: a module resolve hook, registered before the proxy is
// imported, sees every import of this process. (prom-client imports the small, no-op
// @opentelemetry/api package for exemplars; that facade records nothing by itself.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerHooks } from 'node:module';

const resolved: string[] = [];
registerHooks({
  resolve(specifier, context, next) {
    const r = next(specifier, context);
    resolved.push(r.url);
    return r;
  },
});

test('telemetry off: requests are served and no OpenTelemetry SDK, exporter or Azure Monitor module is loaded', async (t) => {
  for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];
  delete process.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  const { proxyHarness, HELLO } = await import('../harness/proxy-harness.js');
  const h = await proxyHarness(t);
  const res = await h.postChat(HELLO, {
    headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
  });
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  assert.ok(
    resolved.some((s) => s.endsWith('/proxy/telemetry/telemetry.js')),
    'the hook saw the proxy being loaded',
  );
  assert.deepEqual(
    resolved.filter(
      (s) =>
        (s.includes('@opentelemetry') && !s.includes('/@opentelemetry/api/')) ||
        s.includes('@azure/monitor') ||
        s.includes('/proxy/telemetry/pipeline.js') ||
        s.includes('/proxy/telemetry/request-trace.js'),
    ),
    [],
  );
  // The client's trace context still reaches the upstream unchanged.
  assert.equal(h.sim.requests[0]?.headers.traceparent, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
});
