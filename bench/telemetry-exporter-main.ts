/**
 * The OTLP exporter's own work per request, in a loop of its own (docs/telemetry.md, "What it
 * costs"): traces opened, attempted, answered and closed as the proxy does for a non-streamed
 * chat call, through the real exporter (handed in runs to its thread, which encodes them as
 * protobuf and sends them to a loopback sink in this process, whose reading is counted too), and
 * the CPU time of the loop's thread and of the whole process divided by the requests. Set beside
 * the telemetry row, it tells what the exporter costs alone from what it costs inside the proxy.
 * Run after `tsc -p bench/tsconfig.json` as
 * `$NODE_BIN --max-semi-space-size=4 dist/bench/telemetry-exporter-main.js`
 * (BENCH_ROUNDS, default 7; BENCH_REQUESTS per round, default 200,000).
 */
import '../test/harness/loopback-guard.js';
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { ExporterThread, OtlpThread } from '../proxy/telemetry/otlp/otlp-thread.js';
import { otlpTraceFactory } from '../proxy/telemetry/otlp/otlp-trace.js';
import { samplerFrom } from '../proxy/telemetry/otlp/sampler.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);

// The collector: a loopback sink on a thread of its own, which reads each export as soon as it
// comes, as a collector would (on this thread it read only between the loop's requests, and the
// exporter dropped what it could not send meanwhile). Its reading counts in the process's CPU.
const SINK = `
  const http = require('node:http');
  const { parentPort } = require('node:worker_threads');
  let exports = 0;
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { exports++; res.writeHead(200).end(); });
  });
  server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
  parentPort.on('message', () => parentPort.postMessage(exports));
`;
const sink = new Worker(SINK, { eval: true });
const next = () => new Promise<number>((resolve) => sink.once('message', resolve));
const origin = `http://127.0.0.1:${await next()}`;
const quiet = () => undefined;
const log = { info: quiet, warn: quiet, error: quiet, debug: quiet } as unknown as FastifyBaseLogger;
const thread = await ExporterThread.spawn(log);
const pipeline = await OtlpThread.start(
  thread,
  {
    otlp: {
      tracesUrl: `${origin}/v1/traces`,
      metricsUrl: `${origin}/v1/metrics`,
      protocol: 'http/protobuf',
      headers: {},
    },
    serviceName: 'foundry-gateway',
    metricIntervalMs: 5_000,
    samplingRatio: 1,
  },
  log,
  {},
);
const begin = otlpTraceFactory(pipeline, samplerFrom({}));
const target = { upstream: 'east', deployment: 'gpt-4o-mini', key: 'east/gpt-4o-mini' };
const headers = { host: 'gateway', 'content-type': 'application/json' };

// One request as the proxy traces it: a response id of its own, token counts that vary.
function oneRequest(n: number): void {
  const trace = begin(headers, 'POST', '/v1/chat/completions');
  const attempt = trace.attempt(target);
  // The call upstream reads the attempt's trace context once, as the proxy's does.
  if (!attempt.headers.traceparent) throw new Error('an attempt without a traceparent');
  attempt.answered(200);
  trace.answer({ id: `chatcmpl-${n}`, model: 'gpt-4o-mini-2024-07-18', choices: [{ finish_reason: 'stop' }] });
  trace.close({
    acc: {
      model: 'gpt-4o-mini',
      target: target.key,
      tokens: { prompt: 20 + (n % 50), completion: 100 + (n % 200) },
    },
    status: 200,
    keyId: 'support-bot',
    team: 'support',
    latencyMs: 12.5 + (n % 30),
  });
}

const onThread: number[] = [];
const inProcess: number[] = [];
let n = 0;
// The first round warms the JIT and is not counted.
for (let round = 0; round <= ROUNDS; round++) {
  const before = process.cpuUsage();
  const threadBefore = process.threadCpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    oneRequest(n++);
    // Let the event loop run, as the proxy's does between requests; and now and then wait
    // until the exporter has sent all it has, as it keeps up with a proxy (this loop makes
    // traces many times faster than a proxy serves requests; the exporter would drop the rest).
    if (i % 1024 === 1023) await pipeline.flush();
    else if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
  await pipeline.flush();
  const thread = process.threadCpuUsage(threadBefore);
  const used = process.cpuUsage(before);
  if (round > 0) {
    onThread.push((thread.user + thread.system) / REQUESTS);
    inProcess.push((used.user + used.system) / REQUESTS);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
sink.postMessage('count');
const exports = await next();
console.log(
  `OTLP exporter alone: ${median(onThread).toFixed(2)} µs CPU per request on the request thread (${range(onThread)}), ` +
    `${median(inProcess).toFixed(2)} µs in the whole process (${range(inProcess)}); median of ${ROUNDS} rounds of ` +
    `${REQUESTS}, ${exports} exports received`,
);
await pipeline.shutdown();
await thread.terminate();
await sink.terminate();
