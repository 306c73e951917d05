/**
 * Head sampling for the OTLP path, from the standard `OTEL_TRACES_SAMPLER` and
 * `OTEL_TRACES_SAMPLER_ARG` variables (OpenTelemetry's SDK configuration): `always_on`,
 * `always_off`, `traceidratio`, and their `parentbased_` forms, which follow a caller's sampled
 * flag and apply the sampler only to new traces. The default is `parentbased_always_on`. The
 * ratio decision is a function of the trace id, so every service sampling the same trace at the
 * same ratio keeps or drops it together.
 */
import type { ParentContext } from './trace-ids.js';

/** Whether a span of a trace is recorded. */
export type Sampler = (traceId: string, parent: ParentContext | undefined) => boolean;

// The trace id's 32-bit words XOR-ed together: uniform for random ids, the same everywhere.
function traceIdValue(traceId: string): number {
  let v = 0;
  for (let i = 0; i < traceId.length; i += 8) v = (v ^ parseInt(traceId.slice(i, i + 8), 16)) >>> 0;
  return v;
}

function ratioSampler(arg: string | undefined): (traceId: string) => boolean {
  const n = Number(arg);
  const ratio = arg === undefined || arg.trim() === '' || !Number.isFinite(n) ? 1 : Math.min(Math.max(n, 0), 1);
  if (ratio >= 1) return () => true;
  if (ratio <= 0) return () => false;
  const bound = Math.floor(ratio * 0xffffffff);
  return (traceId) => traceIdValue(traceId) < bound;
}

/** The sampler `env` names; an unknown name falls back to the default, as the SDK does. */
export function samplerFrom(env: NodeJS.ProcessEnv): Sampler {
  const name = (env.OTEL_TRACES_SAMPLER ?? '').trim().toLowerCase() || 'parentbased_always_on';
  const base = name.replace(/^parentbased_/, '');
  const root =
    base === 'always_off'
      ? () => false
      : base === 'traceidratio'
        ? ratioSampler(env.OTEL_TRACES_SAMPLER_ARG)
        : () => true;
  if (name.startsWith('parentbased_') || !['always_on', 'always_off', 'traceidratio'].includes(name))
    return (traceId, parent) => (parent ? parent.sampled : root(traceId));
  return (traceId) => root(traceId);
}
