/**
 * The upstream pool as Prometheus samples: requests in flight and waiting per origin now, and
 * since start how many waited for a free connection, how long in all, and how many gave up
 * (pool-gate.ts; counts since start, as gauges like the other extra samples). A rising wait count says `pool.connections` is too small for the traffic.
 */
import type { Dispatcher } from 'undici';
import type { GaugeSample } from '../observe/prometheus.js';
import { poolGateOf } from './pool-gate.js';

/** The samples of `dispatcher`'s pool gate (none for a dispatcher without one). */
export function poolSamples(dispatcher: Dispatcher): GaugeSample[] {
  const gate = poolGateOf(dispatcher);
  if (!gate) return [];
  const out: GaugeSample[] = [];
  for (const [origin, s] of gate.stats()) {
    const labels = { origin };
    out.push(
      {
        name: 'gateway_upstream_pool_in_flight',
        help: 'Requests holding an upstream connection now',
        labels,
        value: gate.active(origin),
      },
      {
        name: 'gateway_upstream_pool_waiting',
        help: 'Requests waiting for a free upstream connection now',
        labels,
        value: gate.waiting(origin),
      },
      {
        name: 'gateway_upstream_pool_waits',
        help: 'Requests that found every upstream connection busy and waited (pool.connections)',
        labels,
        value: s.waits,
      },
      {
        name: 'gateway_upstream_pool_wait_timeouts',
        help: 'Requests that gave up waiting for an upstream connection (pool.queueTimeoutMs)',
        labels,
        value: s.timeouts,
      },
      {
        name: 'gateway_upstream_pool_wait_seconds',
        help: 'Time requests spent waiting for an upstream connection',
        labels,
        value: s.waitMsTotal / 1000,
      },
    );
  }
  return out;
}
