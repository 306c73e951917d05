// /metrics (prom-client): after one chat call, the time-to-first-byte histogram has one
// observation for the model and target that served it, next to the lifetime usage families and
// prom-client's process metrics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('/metrics has a time-to-first-byte histogram per model and target, and process metrics', async (t) => {
  const h = await proxyHarness(t);
  const res = await h.postChat(HELLO);
  assert.equal(res.status, 200);
  await res.arrayBuffer();
  const metrics = await fetch(`${h.internalUrl}/metrics`);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await metrics.text();
  const labels = 'model="gpt-4o-mini",target="foundry/dep-4o-mini"';
  assert.match(text, new RegExp(`^gateway_time_to_first_byte_seconds_count\\{${labels}\\} 1$`, 'm'));
  assert.match(text, new RegExp(`^gateway_time_to_first_byte_seconds_bucket\\{le="\\+Inf",${labels}\\} 1$`, 'm'));
  assert.match(
    text,
    /^gateway_requests_total\{model="gpt-4o-mini",key="main",target="foundry\/dep-4o-mini",status_class="2xx"\} 1$/m,
  );
  assert.match(text, /^# TYPE process_cpu_seconds_total counter$/m);
  assert.match(text, /^# TYPE nodejs_eventloop_lag_seconds gauge$/m);
});
