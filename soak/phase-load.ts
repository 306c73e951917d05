/**
 * Phase 1, load held: non-streaming and streaming clients through Caddy, and streaming clients
 * straight to the proxy side by side, for `loadSeconds`; RSS of caddy, proxy and admin sampled
 * throughout; and the proxy's usage count for the phase's own key checked against what was sent.
 */
import { ops, startLoad, tally, type ClientGroup, type Op, type Outcome } from './load.js';
import { rssVerdicts, startRssSampler, type RssSample, type RssVerdict } from './rss.js';
import { internalStats, type Soak } from './setup.js';
import { sleep } from '../test/harness/ports.js';

/** Complete vs incomplete streams on one path. */
export interface StreamCount {
  streams: number;
  complete: number;
  cut: number;
  errorEvent: number;
  other: number;
}

/** What phase 1 reports. */
export interface LoadReport {
  seconds: number;
  clients: { nonStream: number; stream: number; directStream: number };
  requests: number;
  errors: number;
  /** Requests per second over the phase, all groups. */
  rps: number;
  byGroup: Array<{ name: string; requests: number; errors: number; byResult: Record<string, number> }>;
  streamsViaCaddy: StreamCount;
  /** The same, per protocol between client and Caddy. */
  streamsViaCaddyByProtocol: Record<string, StreamCount>;
  streamsDirect: StreamCount;
  warmupSeconds: number;
  rss: RssVerdict[];
  rssSamples: RssSample[];
  /** Usage of the phase's key as the proxy counted it, against the requests the clients sent. */
  usage: { sent: number; counted: number; s2xx: number; ok: number } | undefined;
  examples: string[];
}

/** The non-stream mix: half plain chat, then responses, embeddings, the pool and the managed-identity model. */
function nonStreamOp(n: number, worker: number): Op {
  const slot = (n + worker) % 20;
  if (slot < 10) return ops.chat('gpt-4o-mini');
  if (slot < 13) return ops.responses('gpt-4o-mini');
  if (slot < 16) return ops.embeddings('text-embedding-3-small');
  if (slot < 18) return ops.chat('pool');
  return ops.chat('mi-model');
}

function streamCount(outcomes: readonly Outcome[]): StreamCount {
  return {
    streams: outcomes.length,
    complete: outcomes.filter((o) => o.result === 'ok').length,
    cut: outcomes.filter((o) => o.result === 'cut').length,
    errorEvent: outcomes.filter((o) => o.result === 'error_event').length,
    other: outcomes.filter((o) => o.result !== 'ok' && o.result !== 'cut' && o.result !== 'error_event').length,
  };
}

/** Runs phase 1. */
export async function holdLoad(soak: Soak): Promise<LoadReport> {
  const s = soak.settings;
  const scenario = JSON.stringify({ kind: 'slowChunks', intervalMs: s.streamIntervalMs, chunks: s.streamChunks });
  // Half the clients of each group speak HTTP/2 to Caddy (multiplexed on one connection, as undici's
  // fetch in the OpenAI SDK does), half HTTP/1.1 (a connection each, as most other clients do).
  const caddy = (w: number) => (w % 2 === 0 ? soak.doors.caddy : soak.doors.caddyHttp1);
  const groups: ClientGroup[] = [
    { name: 'caddy-nonstream', door: caddy, workers: s.nonStreamClients, op: nonStreamOp },
    { name: 'caddy-stream', door: caddy, workers: s.streamClients, op: () => ops.chatStream('gpt-4o-mini', scenario) },
    ...(s.directStreamClients > 0
      ? [
          {
            name: 'proxy-stream',
            door: soak.doors.proxy,
            workers: s.directStreamClients,
            op: () => ops.chatStream('gpt-4o-mini', scenario),
          },
        ]
      : []),
  ];
  const before = await internalStats(soak);
  const sampler = startRssSampler(soak.stack.runDir, s.rssIntervalMs);
  const started = Date.now();
  const load = startLoad(groups, soak.keys.load, started + s.loadSeconds * 1000);
  await sleep(s.loadSeconds * 1000);
  const outcomes = await load.stop();
  const seconds = (Date.now() - started) / 1000;
  const samples = await sampler.stop();
  // The proxy records usage when a response ends; give the last ones a moment.
  await sleep(1_000);
  const after = await internalStats(soak).catch(() => undefined);
  const warmupSeconds = Math.min(20, s.loadSeconds / 5);
  const errors = outcomes.filter((o) => o.result !== 'ok');
  const k = soak.keys.loadId;
  return {
    seconds,
    clients: { nonStream: s.nonStreamClients, stream: s.streamClients, directStream: s.directStreamClients },
    requests: outcomes.length,
    errors: errors.length,
    rps: outcomes.length / seconds,
    byGroup: groups.map((g) => {
      const mine = outcomes.filter((o) => o.client === g.name);
      return {
        name: g.name,
        requests: mine.length,
        errors: mine.filter((o) => o.result !== 'ok').length,
        byResult: tally(mine),
      };
    }),
    streamsViaCaddy: streamCount(outcomes.filter((o) => o.client === 'caddy-stream')),
    streamsViaCaddyByProtocol: Object.fromEntries(
      [soak.doors.caddy.label, soak.doors.caddyHttp1.label].map((via) => [
        via,
        streamCount(outcomes.filter((o) => o.client === 'caddy-stream' && o.via === via)),
      ]),
    ),
    streamsDirect: streamCount(outcomes.filter((o) => o.client === 'proxy-stream')),
    warmupSeconds,
    rss: rssVerdicts(samples.filter((x) => x.s >= warmupSeconds)),
    rssSamples: samples,
    usage: after
      ? {
          sent: outcomes.length,
          counted: (after.byKey[k]?.requests ?? 0) - (before.byKey[k]?.requests ?? 0),
          s2xx: (after.byKey[k]?.s2xx ?? 0) - (before.byKey[k]?.s2xx ?? 0),
          ok: outcomes.length - errors.length,
        }
      : undefined,
    examples: errors
      .slice(0, 5)
      .map(
        (o) =>
          `${o.client} ${o.label} ${o.model}: ${o.result} ${o.status} ${o.detail?.replace(/\s+/g, ' ').slice(0, 200) ?? ''}`,
      ),
  };
}
