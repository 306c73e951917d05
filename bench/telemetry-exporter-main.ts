/**
 * The OTLP exporter's own work per request, in a loop of its own (docs/telemetry.md, "What it
 * costs"): traces opened, attempted, answered and closed as the proxy does for a non-streamed
 * chat call, through the real exporter (settled in runs, encoded as protobuf, sent to a loopback
 * sink in this process, whose reading is counted too), and the process's CPU time divided by the
 * requests. Set beside the telemetry row, it tells what the exporter costs alone from what it
 * costs inside the proxy. Run after `tsc -p bench/tsconfig.json` as
 * `$NODE_BIN --max-semi-space-size=4 dist/bench/telemetry-exporter-main.js`
 * (BENCH_ROUNDS, default 7; BENCH_REQUESTS per round, default 200,000).
 */
import '../test/harness/loopback-guard.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { OtlpPipeline } from '../proxy/telemetry/otlp/otlp-pipeline.js';
import { otlpTraceFactory } from '../proxy/telemetry/otlp/otlp-trace.js';
import { samplerFrom } from '../proxy/telemetry/otlp/sampler.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200_000);

let exports = 0;
const sink = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    exports++;
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
const quiet = () => undefined;
const log = { info: quiet, warn: quiet, error: quiet, debug: quiet } as unknown as FastifyBaseLogger;
const pipeline = new OtlpPipeline(
  { tracesUrl: `${origin}/v1/traces`, metricsUrl: `${origin}/v1/metrics`, protocol: 'http/protobuf', headers: {} },
  'foundry-gateway',
  5_000,
  log,
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
      tokens: {
        prompt: 20 + (n % 50),
        completion: 100 + (n % 200),
        total: 120 + (n % 50) + (n % 200),
        cached: 0,
        reasoning: 0,
      },
      imageBytesSaved: 0,
    },
    status: 200,
    keyId: 'support-bot',
    team: 'support',
    latencyMs: 12.5 + (n % 30),
  });
}

const perRequest: number[] = [];
let n = 0;
// The first round warms the JIT and is not counted.
for (let round = 0; round <= ROUNDS; round++) {
  const before = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    oneRequest(n++);
    // Let the event loop run the exports, as the proxy's does between requests.
    if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
  await pipeline.flush();
  const used = process.cpuUsage(before);
  if (round > 0) perRequest.push((used.user + used.system) / REQUESTS);
}
perRequest.sort((a, b) => a - b);
const median = perRequest[Math.floor(perRequest.length / 2)]!;
console.log(
  `OTLP exporter alone: ${median.toFixed(2)} µs CPU per request (median of ${ROUNDS} rounds of ${REQUESTS}; ` +
    `${perRequest[0]!.toFixed(2)}–${perRequest[perRequest.length - 1]!.toFixed(2)}), ${exports} exports received`,
);
await pipeline.shutdown();
sink.close();
