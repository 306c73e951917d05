/**
 * A proxy harness with telemetry switched on by its config, exporting to a loopback OTLP
 * receiver, plus a two-target model `pool` on upstreams `a` and `b` (both the harness's
 * simulator, api-key auth) for failover.
 */
import type { TestContext } from 'node:test';
import { SIM_API_KEY, startProxyHarness, type HarnessOptions, type ProxyHarness } from './proxy-harness.js';
import { startOtlpReceiver, type AttrValue, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';

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
  /** The request span named `spanName` (it must be the only one), its attempts, and what Foundry got on `simPath`. */
  callTrace(spanName: string, simPath: string): CallTrace;
  /** The request spans in the order they started, each as [name, finish reasons, response model, response id]. */
  answers(): Array<[string, ...Array<AttrValue | undefined>]>;
}

/** One request's trace as tests check it against what reached the simulator. */
export interface CallTrace {
  span: ReceivedSpan;
  /** Its attempts in order, each as [span name, `gateway.target`, upstream status, span status code]. */
  attempts: Array<[string, AttrValue | undefined, AttrValue | undefined, number]>;
  /** The traceparent each attempt's own context makes, in attempt order… */
  contexts: string[];
  /** …and the traceparent of each request the simulator received on the path, in arrival order. */
  received: Array<string | undefined>;
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
  const requestSpans = () => otlp.spans.filter((s) => s.kind === 2);
  const attemptsOf = (parent: ReceivedSpan) =>
    otlp.spans
      .filter((s) => s.kind === 3 && s.parentSpanId === parent.spanId)
      .sort((x, y) => Number(x.attributes['gateway.attempt']) - Number(y.attributes['gateway.attempt']));
  return {
    h,
    otlp,
    flush: () => h.app.telemetry!.flush(),
    requestSpans,
    attemptsOf,
    callTrace: (spanName, simPath) => {
      const named = requestSpans().filter((s) => s.name === spanName);
      const span = named[0];
      if (!span || named.length > 1) throw new Error(`${named.length} request spans named ${spanName}`);
      const attempts = attemptsOf(span);
      return {
        span,
        attempts: attempts.map((a) => [
          a.name,
          a.attributes['gateway.target'],
          a.attributes['http.response.status_code'],
          a.statusCode,
        ]),
        contexts: attempts.map((a) => `00-${span.traceId}-${a.spanId}-01`),
        received: h.sim.requests.filter((r) => r.path.split('?')[0] === simPath).map((r) => r.headers.traceparent),
      };
    },
    answers: () =>
      requestSpans()
        .sort((x, y) => Number(x.startNs - y.startNs))
        .map((s) => [
          s.name,
          s.attributes['gen_ai.response.finish_reasons'],
          s.attributes['gen_ai.response.model'],
          s.attributes['gen_ai.response.id'],
        ]),
  };
}
