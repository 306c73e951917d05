/**
 * The OpenTelemetry SDK for the exporters that are on: OTLP over HTTP (JSON or protobuf, batched
 * spans, periodic metrics) and Azure Monitor through Microsoft's distro. Imported only when
 * telemetry is on (telemetry.ts), so a gateway without it loads none of this.
 */
import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import type { ExporterSettings } from './exporter-settings.js';

/** A running SDK: where spans and instruments come from, and how to flush and stop it. */
export interface TelemetryPipeline {
  tracer: Tracer;
  meter: Meter;
  /** Exports everything buffered (tests and shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const SCOPE = 'foundry-gateway';

async function otlpExporters(
  otlp: NonNullable<ExporterSettings['otlp']>,
): Promise<{ spans: SpanExporter; metrics: PushMetricExporter }> {
  const common = { headers: otlp.headers };
  // Delta temporality would suit Azure; cumulative is what every OTLP backend accepts.
  const metricOptions = { ...common, url: otlp.metricsUrl, temporalityPreference: AggregationTemporality.CUMULATIVE };
  if (otlp.protocol === 'http/json') {
    const [t, m] = await Promise.all([
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/exporter-metrics-otlp-http'),
    ]);
    return {
      spans: new t.OTLPTraceExporter({ ...common, url: otlp.tracesUrl }),
      metrics: new m.OTLPMetricExporter(metricOptions),
    };
  }
  const [t, m] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-proto'),
    import('@opentelemetry/exporter-metrics-otlp-proto'),
  ]);
  return {
    spans: new t.OTLPTraceExporter({ ...common, url: otlp.tracesUrl }),
    metrics: new m.OTLPMetricExporter(metricOptions),
  };
}

/** Starts the SDK for `settings`. */
export async function startPipeline(settings: ExporterSettings): Promise<TelemetryPipeline> {
  const resource = resourceFromAttributes({ 'service.name': settings.serviceName });
  const otlp = settings.otlp ? await otlpExporters(settings.otlp) : undefined;
  const spanProcessors = otlp ? [new BatchSpanProcessor(otlp.spans)] : [];
  const metricReaders = otlp
    ? [new PeriodicExportingMetricReader({ exporter: otlp.metrics, exportIntervalMillis: settings.metricIntervalMs })]
    : [];
  if (settings.azureMonitor) return startAzureMonitor(settings, resource, spanProcessors, metricReaders);
  const tracerProvider = new BasicTracerProvider({ resource, spanProcessors });
  const meterProvider = new MeterProvider({ resource, readers: metricReaders });
  return {
    tracer: tracerProvider.getTracer(SCOPE),
    meter: meterProvider.getMeter(SCOPE),
    flush: async () => {
      await tracerProvider.forceFlush();
      await meterProvider.forceFlush();
    },
    shutdown: async () => {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}

// The distro owns the global providers; an OTLP exporter that is on too rides along in them.
async function startAzureMonitor(
  settings: ExporterSettings,
  resource: ReturnType<typeof resourceFromAttributes>,
  spanProcessors: BatchSpanProcessor[],
  metricReaders: PeriodicExportingMetricReader[],
): Promise<TelemetryPipeline> {
  // Statsbeat (the SDK's own usage reports to Microsoft, not to this resource) stays off unless
  // asked for: private-link and egress-filtered deployments would only see it fail.
  process.env.APPLICATIONINSIGHTS_STATSBEAT_DISABLED ??= 'true';
  const distro = await import('@azure/monitor-opentelemetry');
  const off = { enabled: false };
  distro.useAzureMonitor({
    azureMonitorExporterOptions: { connectionString: settings.azureMonitor!.connectionString },
    resource,
    // Every request is traced unless OTEL_TRACES_SAMPLER says otherwise: the distro's default of
    // 5 traces a second would hide most of them.
    samplingRatio: settings.samplingRatio,
    tracesPerSecond: 0,
    enableLiveMetrics: false,
    // The gateway's own spans are the requests and dependencies; automatic HTTP spans would
    // double each one and cost the hot path.
    instrumentationOptions: {
      http: off,
      azureSdk: off,
      mongoDb: off,
      mySql: off,
      postgreSql: off,
      redis: off,
      redis4: off,
      bunyan: off,
      winston: off,
    },
    spanProcessors,
    metricReaders,
  });
  // The global tracer provider is a proxy around the distro's; flushing goes to the delegate.
  type Flushable = { forceFlush?: () => Promise<unknown>; getDelegate?: () => Flushable };
  const tracerProvider = trace.getTracerProvider() as Flushable;
  const meterProvider = metrics.getMeterProvider() as Flushable;
  return {
    tracer: trace.getTracer(SCOPE),
    meter: metrics.getMeter(SCOPE),
    flush: async () => {
      await (tracerProvider.getDelegate?.() ?? tracerProvider).forceFlush?.();
      await meterProvider.forceFlush?.();
    },
    shutdown: () => distro.shutdownAzureMonitor(),
  };
}
