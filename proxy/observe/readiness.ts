/**
 * Readiness: config loaded, and each upstream credential's cached state (failing when one is in
 * error), with the targets' states and whether shared state is embedded, ok or degraded. Read from memory only: no token fetch, no upstream call.
 * Served by /readyz (public) and /internal/targets (loopback).
 */
import type { ProxyRuntime } from '../runtime.js';

/** Readiness as /readyz reports it. */
export function readiness(runtime: ProxyRuntime) {
  const snap = runtime.snapshot();
  const upstreams = runtime.credentials.states();
  const failing = Object.entries(upstreams)
    .filter(([, s]) => s.state === 'error')
    .map(([name]) => name);
  const source = runtime.source();
  return {
    status: failing.length ? 'not_ready' : 'ready',
    config: {
      loadedAt: snap.loadedAt.toISOString(),
      models: snap.config.models.length,
      upstreams: snap.config.upstreams.length,
      // Serving on, but from the last good copy: operators must see that config.json is broken.
      source: source.kind,
      ...(source.kind === 'last-good' ? { servingFrom: source.file, problems: source.issues } : {}),
    },
    // Redis degraded is still ready: requests are served with local counters (docs/shared-state.md).
    sharedState: runtime.shared.status(),
    upstreams,
    targets: runtime.targets.view(snap.catalog.targetKeys()),
    ...(failing.length ? { reason: `credential failing for upstream(s): ${failing.join(', ')}` } : {}),
  };
}
