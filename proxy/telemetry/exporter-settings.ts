/**
 * Which telemetry exporters are on, from the standard environment variables and the config's
 * `server.telemetry` block (the environment wins, as OpenTelemetry's own SDKs let it): OTLP over
 * HTTP when an endpoint is set, Azure Monitor when a connection string is. Neither set: off, and
 * nothing of OpenTelemetry is loaded (docs/telemetry.md).
 */
import type { TelemetrySettings } from '../../common/config/schema.js';

/** The OTLP protocols this gateway speaks (gRPC is not offered: one port less to open). */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** What the exporters need; undefined from `exporterSettings` means telemetry is off. */
export interface ExporterSettings {
  serviceName: string;
  otlp?: { tracesUrl: string; metricsUrl: string; protocol: OtlpProtocol; headers: Record<string, string> };
  azureMonitor?: { connectionString: string };
  metricIntervalMs: number;
  /**
   * The share of new traces kept, for the Azure Monitor distro's sampler, from
   * `OTEL_TRACES_SAMPLER` (`always_off`: 0; `traceidratio` and `parentbased_traceidratio`:
   * `OTEL_TRACES_SAMPLER_ARG`; otherwise every trace). The OTLP path reads the variables itself
   * (otlp/sampler.ts).
   */
  samplingRatio: number;
}

function samplingRatioOf(env: NodeJS.ProcessEnv): number {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() ?? '';
  if (name === 'always_off' || name === 'parentbased_always_off') return 0;
  if (name !== 'traceidratio' && name !== 'parentbased_traceidratio') return 1;
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const n = Number(arg);
  return arg && Number.isFinite(n) ? Math.min(Math.max(n, 0), 1) : 1;
}

const DEFAULT_SERVICE_NAME = 'foundry-gateway-proxy';

/** `raw` as a positive integer, or `fallback` when it is not one. */
export function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** `OTEL_BSP_MAX_QUEUE_SIZE`: the spans the exporter holds before it drops (2,048 by default). */
export function spanQueueSize(env: NodeJS.ProcessEnv): number {
  return positiveInt(env.OTEL_BSP_MAX_QUEUE_SIZE, 2048);
}

/**
 * The scheduling class of the OTLP exporter's thread: `idle` (the default) runs it on CPU time no
 * request wants; `normal` (`OTLP_EXPORTER_SCHEDULING=normal`) lets it compete, for a machine kept
 * so busy that an idle-class thread would fall behind and drop spans (docs/telemetry.md).
 */
export type ExporterScheduling = 'idle' | 'normal';

/**
 * `OTLP_EXPORTER_SCHEDULING`: `normal` or `idle` (the default, also for a value it does not know,
 * which is passed to `unknown` so that a typo is said rather than silently taken as idle).
 */
export function exporterScheduling(
  env: NodeJS.ProcessEnv,
  unknown: (value: string) => void = () => undefined,
): ExporterScheduling {
  const value = env.OTLP_EXPORTER_SCHEDULING?.trim().toLowerCase() ?? '';
  if (value === 'normal') return 'normal';
  if (value !== '' && value !== 'idle') unknown(value);
  return 'idle';
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

// OTEL_EXPORTER_OTLP_HEADERS: `k1=v1,k2=v2`, values URL-encoded (OpenTelemetry's exporter spec).
function parseHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      out[pair.slice(0, at).trim().toLowerCase()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // A badly encoded value is dropped rather than sent half-decoded.
    }
  }
  return out;
}

// A signal-specific endpoint is used as is; the base endpoint gets /v1/<signal> (the spec's rule).
function signalUrl(specific: string | undefined, base: string | undefined, signal: string): string | undefined {
  if (specific) return specific;
  return base ? `${base.replace(/\/+$/, '')}/v1/${signal}` : undefined;
}

function protocolOf(raw: string | undefined, fallback: OtlpProtocol): OtlpProtocol {
  return raw === 'http/json' || raw === 'http/protobuf' ? raw : fallback;
}

/** The exporters `env` and `config` switch on, or undefined when telemetry is off. */
export function exporterSettings(
  config: Readonly<TelemetrySettings>,
  env: NodeJS.ProcessEnv = process.env,
): ExporterSettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? config.otlp?.endpoint;
  const tracesUrl = signalUrl(nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), base, 'traces');
  const metricsUrl = signalUrl(nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT), base, 'metrics');
  const protocol = protocolOf(nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL), config.otlp?.protocol ?? 'http/protobuf');
  const connectionString = nonEmpty(env.APPLICATIONINSIGHTS_CONNECTION_STRING) ?? config.azureMonitor?.connectionString;
  if (!tracesUrl && !metricsUrl && !connectionString) return undefined;
  const interval = Number(env.OTEL_METRIC_EXPORT_INTERVAL);
  return {
    serviceName: nonEmpty(env.OTEL_SERVICE_NAME) ?? config.serviceName ?? DEFAULT_SERVICE_NAME,
    ...(tracesUrl || metricsUrl
      ? {
          otlp: {
            tracesUrl: tracesUrl ?? `${metricsUrl!.replace(/\/v1\/metrics$/, '')}/v1/traces`,
            metricsUrl: metricsUrl ?? `${tracesUrl!.replace(/\/v1\/traces$/, '')}/v1/metrics`,
            protocol,
            headers: parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
          },
        }
      : {}),
    ...(connectionString ? { azureMonitor: { connectionString } } : {}),
    metricIntervalMs: Number.isInteger(interval) && interval >= 100 ? interval : config.metricIntervalMs,
    samplingRatio: samplingRatioOf(env),
  };
}
