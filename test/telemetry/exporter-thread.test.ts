// The OTLP exporter runs on a thread of its own (otlp/otlp-thread.ts): closed traces reach the
// collector without a flush, the thread is kept while telemetry is off and reused when it is
// switched on again, closing the proxy sends what was queued, and a thread that dies costs
// telemetry only: it is logged, requests are served, and reconfiguring starts a new one.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Worker } from 'node:worker_threads';
import { setTimeout as sleep } from 'node:timers/promises';
import { HELLO } from '../harness/proxy-harness.js';
import { tracedProxy } from '../harness/traced-proxy.js';
import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { Telemetry } from '../../proxy/telemetry/telemetry.js';
import { ExporterThread, OtlpThread } from '../../proxy/telemetry/otlp/otlp-thread.js';
import { otlpTraceFactory } from '../../proxy/telemetry/otlp/otlp-trace.js';
import { samplerFrom } from '../../proxy/telemetry/otlp/sampler.js';
import { RUN } from '../../proxy/telemetry/otlp/trace-notes.js';
import { startOtlpReceiver } from '../harness/otlp-receiver.js';

// Spans leave the exporter's thread on its schedule; a short one lets a test see a trace arrive
// without flushing. Set before any proxy of this file starts (the exporter reads it at start).
process.env.OTEL_BSP_SCHEDULE_DELAY = '100';

// The exporter's thread a proxy's telemetry holds (private: the tests reach in to kill it).
const threadOf = (telemetry: Telemetry) =>
  (telemetry as unknown as { exporterThread?: { alive: boolean; worker: Worker } }).exporterThread;

async function until(what: string, check: () => boolean): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 15_000) assert.fail(`waited 15 s for ${what}`);
    await sleep(20);
  }
}

type Harness = Awaited<ReturnType<typeof tracedProxy>>['h'];

// The proxy's telemetry settings with OTLP off, or on to `url` under a new service name.
function settings(h: Harness, url?: string, serviceName = 'gateway-under-test') {
  const { otlp: _, ...rest } = h.runtime.snapshot().config.server.telemetry;
  return url ? { ...rest, serviceName, otlp: { endpoint: url, protocol: 'http/protobuf' as const } } : rest;
}

test('a closed trace reaches the collector without a flush: a run that is not full is posted', async (t) => {
  const { h, otlp, requestSpans } = await tracedProxy(t, 'http/protobuf');
  for (let i = 0; i < 3; i++) {
    const res = await h.postChat(HELLO);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  }
  // Three traces are far from a full run: only the one-second post and the schedule send them.
  await until('three request spans', () => requestSpans().length === 3);
  assert.equal(otlp.spans.length, 6, 'each request and its one try');
});

test('switched off, the thread is kept idle; switched on again, it is reused and exports', async (t) => {
  const { h, otlp, flush, requestSpans } = await tracedProxy(t, 'http/protobuf');
  const telemetry = h.app.telemetry!;
  const first = threadOf(telemetry);
  assert.ok(first?.alive, 'the exporter thread runs');
  await telemetry.configure(settings(h));
  assert.equal(telemetry.active, false);
  assert.equal(threadOf(telemetry), first, 'the thread is kept while telemetry is off');
  const off = await h.postChat(HELLO);
  await off.arrayBuffer();
  await telemetry.configure(settings(h, otlp.url, 'switched-on-again'));
  assert.equal(threadOf(telemetry), first, 'the same thread runs the new pipeline');
  const on = await h.postChat(HELLO);
  assert.equal(on.status, 200);
  await on.arrayBuffer();
  await flush();
  assert.equal(requestSpans().length, 1, 'the request made while off has no span');
  assert.deepEqual(
    otlp.spans.map((s) => s.resource['service.name']),
    ['switched-on-again', 'switched-on-again'],
  );
});

test('closing the proxy sends the traces still queued, and stops the thread', async (t) => {
  const { h, requestSpans } = await tracedProxy(t, 'http/json');
  const telemetry = h.app.telemetry!;
  const thread = threadOf(telemetry);
  for (let i = 0; i < 5; i++) {
    const res = await h.postChat(HELLO);
    await res.arrayBuffer();
  }
  await telemetry.close();
  assert.equal(requestSpans().length, 5, 'every trace was sent before the thread stopped');
  assert.equal(threadOf(telemetry), undefined);
  await until('the thread to exit', () => thread?.alive === false);
});

test('a thread that dies is logged, telemetry switches itself off, and a reload starts a new thread', async (t) => {
  const { h, otlp, flush, requestSpans } = await tracedProxy(t, 'http/protobuf');
  const telemetry = h.app.telemetry!;
  const dead = threadOf(telemetry)!;
  await dead.worker.terminate();
  await until('the thread to be seen dead', () => !dead.alive);
  assert.equal(h.logs.recent({ contains: 'telemetry exporter thread stopped' }).length, 1);
  assert.equal(telemetry.active, false, 'requests no longer pay for traces nobody exports');
  for (let i = 0; i < 3; i++) {
    const res = await h.postChat(HELLO);
    assert.equal(res.status, 200, 'requests are served without the exporter');
    await res.arrayBuffer();
  }
  // A reload of the very config it ran with starts it again, on a new thread.
  await telemetry.configure(settings(h, otlp.url));
  const fresh = threadOf(telemetry);
  assert.ok(fresh?.alive && fresh !== dead, 'a new thread');
  const res = await h.postChat(HELLO);
  await res.arrayBuffer();
  await flush();
  assert.equal(requestSpans().length, 1, 'the request after the reload is traced');
  assert.equal(
    h.logs.recent({ contains: 'telemetry is dropped until it is reconfigured' }).length,
    1,
    'the death is logged once',
  );
});

test('switching on and off is logged once done: "telemetry off" only after the last spans were sent', async (t) => {
  const otlp = await startOtlpReceiver();
  const said: Array<[unknown, number]> = [];
  // Each line's message with the spans the collector had when it was written.
  const messageOf = (line: string): unknown => {
    const entry: unknown = JSON.parse(line);
    return typeof entry === 'object' && entry !== null && 'msg' in entry ? entry.msg : undefined;
  };
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void said.push([messageOf(line), otlp.spans.length]) },
  );
  const telemetry = new Telemetry(log, {});
  t.after(async () => {
    await telemetry.close();
    await otlp.close();
  });
  const promptLog = { enabled: false, keys: [], models: [], redact: [], maxAgeDays: 7, maxTotalMiB: 256 };
  const off = { serviceName: 'switch-log-test', metricIntervalMs: 3_600_000, promptLog };
  await telemetry.configure({ ...off, otlp: { endpoint: otlp.url, protocol: 'http/protobuf' as const } });
  const trace = telemetry.begin({}, 'POST', '/v1/chat/completions')!;
  trace.attempt({ upstream: 'a', deployment: 'dep', key: 'a/dep' }).answered(200);
  trace.close({ acc: { model: 'gpt-4o', target: 'a/dep' }, status: 200, keyId: 'k', latencyMs: 3 });
  // Nothing flushes it: the trace waits for its run and its batch, which switching off sends.
  await telemetry.configure(off);
  assert.deepEqual(said, [
    // The new thread says how it is scheduled (exporter-scheduling.test.ts) before the switch is done.
    ['the telemetry exporter thread runs on idle CPU time (SCHED_IDLE)', 0],
    ['telemetry on', 0],
    ['telemetry off', 2],
  ]);
  // The same settings again change nothing and say nothing.
  await telemetry.configure(off);
  assert.equal(said.length, 3);
});

test('a thread left idle past its time is stopped, and switching on again starts a new one', async (t) => {
  const otlp = await startOtlpReceiver();
  // Idle for 100 ms rather than ten minutes; no OTEL_* variables but the schedule.
  const telemetry = new Telemetry(pino({ level: 'silent' }), { OTEL_BSP_SCHEDULE_DELAY: '100' }, 100);
  t.after(async () => {
    await telemetry.close();
    await otlp.close();
  });
  const promptLog = { enabled: false, keys: [], models: [], redact: [], maxAgeDays: 7, maxTotalMiB: 256 };
  const off = { serviceName: 'idle-test', metricIntervalMs: 3_600_000, promptLog };
  const on = { ...off, otlp: { endpoint: otlp.url, protocol: 'http/protobuf' as const } };
  await telemetry.configure(on);
  const first = threadOf(telemetry);
  assert.ok(first?.alive);
  await telemetry.configure(off);
  assert.equal(threadOf(telemetry), first, 'kept at first');
  await until('the idle thread to stop', () => !first.alive);
  assert.equal(threadOf(telemetry), undefined);
  await telemetry.configure(on);
  const second = threadOf(telemetry);
  assert.ok(second?.alive && second !== first, 'a new thread');
  // Switched off and on again within the idle time: the same thread, not stopped meanwhile.
  await telemetry.configure(off);
  await telemetry.configure(on);
  await sleep(300);
  assert.equal(threadOf(telemetry), second);
  assert.ok(second.alive, 'a thread in use is not stopped');
  const trace = telemetry.begin({}, 'POST', '/v1/chat/completions');
  trace?.close({ acc: { model: 'gpt-4o' }, status: 200, keyId: 'k', latencyMs: 5 });
  await telemetry.flush();
  assert.deepEqual(
    otlp.spans.map((s) => [s.name, s.resource['service.name']]),
    [['chat gpt-4o', 'idle-test']],
  );
});

// An exporter's thread of its own running one pipeline to a new receiver, bounded by `queue`
// (OTEL_BSP_MAX_QUEUE_SIZE); all stopped when `t` ends.
async function pipelineOnThread(
  t: TestContext,
  log: FastifyBaseLogger,
  protocol: 'http/json' | 'http/protobuf',
  queue: string,
) {
  const otlp = await startOtlpReceiver();
  const thread = await ExporterThread.spawn(log);
  const otlpSettings = {
    tracesUrl: `${otlp.url}/v1/traces`,
    metricsUrl: `${otlp.url}/v1/metrics`,
    protocol,
    headers: {},
  };
  const settings = { serviceName: 'on-a-thread', otlp: otlpSettings, metricIntervalMs: 3_600_000, samplingRatio: 1 };
  const pipeline = await OtlpThread.start(thread, settings, log, { OTEL_BSP_MAX_QUEUE_SIZE: queue });
  t.after(async () => {
    await pipeline.shutdown();
    await thread.terminate();
    await otlp.close();
  });
  return { otlp, pipeline };
}

test('a thread far behind drops whole runs, says so, and reads every run it gets right', async (t) => {
  const lines: string[] = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
  // A small bound, so that a loop making traces as fast as it can is sure to pass it.
  const { otlp, pipeline } = await pipelineOnThread(t, log, 'http/protobuf', '256');
  const begin = otlpTraceFactory(pipeline, samplerFrom({}));
  // The key and team change every 50 traces and repeat in between: a run the thread never read
  // must not leave it reading the repeats from the run before.
  const keyOf = (n: number) => `key-${Math.floor(n / 50) % 7}`;
  const teamOf = (n: number) => `team-${Math.floor(n / 70) % 3}`;
  const traces = 20_000;
  for (let n = 0; n < traces; n++) {
    const trace = begin({}, 'POST', '/v1/chat/completions');
    for (const upstream of ['east', 'west', 'north']) {
      const attempt = trace.attempt({ upstream, deployment: 'dep', key: `${upstream}/dep` });
      attempt.answered(upstream === 'north' ? 200 : 429);
    }
    trace.answer({ id: `chatcmpl-${n}`, model: 'gpt-4o-2024', choices: [{ finish_reason: 'stop' }] });
    trace.close({
      acc: { model: 'gpt-4o', target: 'north/dep' },
      status: 200,
      keyId: keyOf(n),
      team: teamOf(n),
      latencyMs: 5,
    });
  }
  await pipeline.flush();
  assert.ok(pipeline.droppedTraces > 0, 'the thread fell behind');
  const requests = otlp.spans.filter((s) => s.kind === 2);
  assert.ok(requests.length > 0 && requests.length <= traces - pipeline.droppedTraces, `${requests.length} received`);
  for (const span of requests) {
    const n = Number(String(span.attributes['gen_ai.response.id']).slice('chatcmpl-'.length));
    assert.deepEqual(
      [span.attributes['gateway.key.id'], span.attributes['gateway.team'], span.attributes['gateway.attempts']],
      [keyOf(n), teamOf(n), 3],
      `trace ${n}`,
    );
  }
  // Dropping starts and ends in stretches, each said once.
  const said = lines
    .map((l) => (l.includes('is behind') ? 'behind' : l.includes('caught up') ? 'caught up' : ''))
    .filter(Boolean);
  assert.ok(said.length > 0 && said[0] === 'behind');
  said.forEach((s, i) => assert.equal(s, i % 2 ? 'caught up' : 'behind', `log line ${i}`));
});

test('a bound smaller than a run lets a run through to a thread that has caught up, and all its spans to the collector', async (t) => {
  const { otlp, pipeline } = await pipelineOnThread(t, pino({ level: 'silent' }), 'http/json', '64');
  const begin = otlpTraceFactory(pipeline, samplerFrom({}));
  // Two full runs, the thread waited for after each: nothing is ever behind when one is posted.
  for (let round = 0; round < 2; round++) {
    for (let n = 0; n < RUN; n++) {
      begin({}, 'POST', '/v1/embeddings').close({ acc: { model: 'emb' }, status: 200, keyId: 'k', latencyMs: 1 });
    }
    await pipeline.flush();
  }
  assert.equal(pipeline.droppedTraces, 0, 'no run was dropped on the way to the thread');
  // The same variable bounds the pipeline's span queue there, and a run holds many times as many
  // spans: each batch (64 spans, the queue's size) goes to the sender as soon as it is full, while
  // the run is still being read, and the sender lets four go at once and 64 wait (as many as hold
  // 4,096 spans), so none is dropped.
  assert.ok(RUN >= 4 * 64);
  assert.equal(otlp.spans.length, 2 * RUN);
});
