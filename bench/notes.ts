/** The "how it was measured" part of docs/reports/benchmarks.md. */
import v8 from 'node:v8';
import type { ImageCase } from './images.js';

/** Method and caveats, so a reader can judge and reproduce the figures. */
export function reportNotes(images: ImageCase[]): string {
  // The bench runs on the same Node binary and machine as the processes it measures.
  const heapLimitMb = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20).toLocaleString('en-US');
  return `## How it was measured

- **One process, interleaved.** \`bench/main.ts\` starts every target, checks that each answers a
  chat completion and relays a paced stream (so the \`x-sim-scenario\` header reaches the
  simulator through every hop), warms each up, then runs round after round: every scenario on
  every target, the target order rotated each round. Each figure is the median of the rounds.
- **Load generator.** undici \`Pool\` per target (HTTP/1.1, up to 1,100 connections, keep-alive),
  latency from \`performance.now()\` before the request to the end of the body; for streams the
  time to first byte is taken at the first body chunk. It shares the CPUs with every server.
- **The stack** is started exactly as \`make up\` and the image start it (\`deploy/entrypoint.sh\`:
  init, then supervisord), with \`SIMULATOR=0\` and a config.json written before init, so that
  its upstream is the bench's simulator instead of its own demo simulator process.
- **Machine load** is measured, not assumed: the CPU time of every process outside the bench's
  process tree (from /proc/stat and /proc/<pid>/stat) and the time the hypervisor stole, over the
  measured rounds. Other work on the machine slows every target, but not equally at every
  moment; interleaving and medians of rounds are the defence.
- **One upstream.** All five targets talk to the same simulator process
  (\`bench/simulator-main.ts\`, which accepts any credential). Non-stream answers are a small
  \`chat.completion\`; streams are 20 content chunks, paced by the simulator
  (\`{"kind":"slowChunks","intervalMs":N,"chunks":20}\`), 25 events with the role, finish and
  usage events and \`[DONE]\`. Every client asks for \`stream_options.include_usage\`, so every
  target relays the same events (the gateway would otherwise add it and drop the usage event,
  and the simulator would pace one more event through it).
- **Mean event delay** is, per stream, the mean over its 25 events of (arrival time of event k
  − k × the pacing interval), counted from the start of the request; the figure is the median
  over streams. The simulator sends event k about k × interval after the first, so (1)'s figure
  is its own timer slack; what a hop adds per chunk is its figure minus (1)'s (the table "What
  each hop adds"). A hop that holds events back and releases them in bursts shows up here even
  when its total time looks fine. **inter-event gap p99** is the 99th percentile of the gaps
  between body chunks as they arrived.
- **HTTPS vs HTTP.** (2) and (3) are HTTPS through Caddy (\`tls internal\`, HTTP/1.1 from the
  client); (1), (4) and (5) are plain HTTP. Compare (3) with (2), and (4) with (1) and (5).
- **Logging differs.** The stack logs every request: Caddy's access log (to stdout and
  \`RUN_DIR/caddy.log\`) and the proxy's pino line, both relayed by supervisord. Caddy alone has
  no access log; the proxy alone writes its pino line to a file.
- **Gateway config.** data-skel's settings (image compression on: longest side 1600 px, JPEG
  quality 0.85; upstream timeouts; the default upstream pool of 1,024 connections), one upstream
  with an api-key, one client key. The proxy alone runs with the Node flags supervisord.conf
  gives the stack's proxy (V8 heap sizing), read from that file.
- **CPU per request or stream** is the CPU time (user + system, every thread, from
  \`/proc/<pid>/stat\`) that the target's own processes used during the scenario, divided by the
  requests or streams completed: Caddy's for Caddy alone, Caddy's and the proxy's (and the idle
  admin's) for the stack, never the shared simulator's (except for the simulator direct).
  Caddy alone terminates TLS and the proxy alone does not, which flatters the proxy.
- **Memory.** VmRSS of each process of the target, read from \`/proc/<pid>/status\` every
  100 ms while the 1,000 streams are open (the streams last about 10 s); the peak is reported.
  "Before" is VmRSS just before that scenario (after all earlier scenarios). A Node process's
  RSS says more about how V8 sizes its heap than about live objects: V8 sizes the heap from the
  machine's memory (${heapLimitMb} MB heap limit by default here), keeps its young generation large and
  returns freed old-space pages lazily, so RSS climbs under load well past the live heap.
- **Profiles** are V8's sampling profiler. A sample lands on whatever the thread was running when
  it was interrupted; a process that is preempted (other processes of the bench, or of the
  machine, want the CPU) is charged to where it was preempted, typically a system call such as
  \`writev\` that has just woken the process it writes to. On a quiet machine with more CPUs
  those shares shrink; the proxy's own functions (inclusive table) are the actionable part.
- **Images** (the proxy alone against the simulator direct and Portkey). The same request bodies go to every target: ${images.map((i) => i.name).join(' and ')}
  as base64 data URLs in a chat message. The proxy recompresses them before forwarding; the
  simulator and Portkey receive them as sent. "Request KB reaching the simulator" is the
  Content-Length the simulator received. On loopback, uploading the 5 MB body costs almost
  nothing, so images/s only shows the price of recompressing; over a real network to Azure the
  70–95 % fewer bytes are what the compression buys.
- **Portkey.** \`@portkey-ai/gateway\` started from its package \`bin\` with \`--port\` (a free
  port rather than its default 8787, so nothing else on the machine collides; set
  \`BENCH_PORTKEY_PORT=8787\` for the default, the bench stops with a message if it is taken) and
  \`--headless\`, preloaded with \`bench/loopback-only.js\` (listen on 127.0.0.1 only, no
  connection beyond loopback; the bench also checks the listening address). Headers:
  \`x-portkey-provider: openai\`, \`x-portkey-custom-host: http://127.0.0.1:PORT/openai/v1\`,
  \`Authorization: Bearer …\`, and \`x-portkey-forward-headers: x-sim-scenario\` so the
  scenario header reaches the simulator.
- **Reproduce.** \`make bench\` (about 9 minutes on 2 CPUs). \`BENCH_ROUNDS\`, \`BENCH_SCALE\`,
  \`BENCH_OPEN_ROUNDS\` and \`BENCH_TELEMETRY_ROUNDS\` shorten it for a quick look; the raw
  per-round figures are written as JSON to the temp directory named at the end of the run.
`;
}
