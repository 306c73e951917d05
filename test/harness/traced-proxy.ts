/**
 * A proxy harness with telemetry switched on by its config, exporting to a loopback OTLP
 * receiver, plus a two-target model `pool` on upstreams `a` and `b` (both the harness's
 * simulator, api-key auth) for failover.
 */
import type { TestContext } from 'node:test';
import { SIM_API_KEY, startProxyHarness, type HarnessOptions, type ProxyHarness } from './proxy-harness.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

/** The harness, its receiver, and a flush that exports everything buffered. */
export interface TracedProxy {
  h: ProxyHarness;
  otlp: OtlpReceiver;
  /** Exports buffered spans and metrics to the receiver now. */
  flush(): Promise<void>;
  /** The server spans received (one per client request). */
  requestSpans(): ReceivedSpan[];
  /** The client spans whose parent is `parent`. */
  attemptsOf(parent: ReceivedSpan): ReceivedSpan[];
}

/** Starts a traced proxy exporting with `protocol`; stopped when `t` ends. */
export async function tracedProxy(
  t: TestContext,
  protocol: 'http/json' | 'http/protobuf',
  opts: HarnessOptions = {},
): Promise<TracedProxy> {
  const otlp = await startOtlpReceiver();
  const h = await startProxyHarness({
    ...opts,
    configure: (c, sim) => {
      const server = c.server as Record<string, unknown>;
      server.telemetry = {
        serviceName: 'gateway-under-test',
        otlp: { endpoint: otlp.url, protocol },
        // Tests flush by hand; the timer must not export half-way through an assertion.
        metricIntervalMs: 3_600_000,
      };
      (c.upstreams as unknown[]).push(
        { name: 'a', baseUrl: sim.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } },
        { name: 'b', baseUrl: sim.url, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } },
      );
      (c.models as unknown[]).push({
        id: 'pool',
        targets: [
          { upstream: 'a', targetModel: 'dep-a', priority: 0 },
          { upstream: 'b', targetModel: 'dep-b', priority: 1 },
        ],
      });
      opts.configure?.(c, sim);
    },
  });
  // The proxy first: stopping it exports what is left, which the receiver must still take.
  t.after(async () => {
    await h.close();
    await otlp.close();
  });
  const telemetry = h.app.telemetry!;
  // The SDK starts asynchronously: wait for it before the first request.
  await telemetry.flush();
  return {
    h,
    otlp,
    flush: () => h.app.telemetry!.flush(),
    requestSpans: () => otlp.spans.filter((s) => s.kind === 2),
    attemptsOf: (parent) => otlp.spans.filter((s) => s.kind === 3 && s.parentSpanId === parent.spanId),
  };
}
