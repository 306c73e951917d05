/**
 * Faults upstream of the gateway: a 429 storm on one target of a pool, connections dropped in the
 * middle of answers, and the managed-identity endpoint down for a while.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import { reached, sleep } from '../test/harness/ports.js';
import { ops, startLoad, within, type Op, type Outcome, type RunningLoad } from './load.js';
import { served, type Soak } from './setup.js';
import { count, result, type FaultResult } from './fault-types.js';

const STORM_SECONDS = 15;
const DROP_SECONDS = 15;
/** After the identity endpoint is back, how long the suite waits for the proxy to recover by itself. */
const RECOVERY_LIMIT_MS = 20_000;

function slow(soak: Soak): string {
  return JSON.stringify({
    kind: 'slowChunks',
    intervalMs: soak.settings.streamIntervalMs,
    chunks: soak.settings.streamChunks,
  });
}

/** An OpenAI-shaped error answer (what the gateway sends when it fails cleanly). */
function cleanError(o: Outcome): boolean {
  return o.result === 'status' && o.status >= 400 && /^\{"error":\{/.test(o.detail ?? '');
}

/** One target of the `pool` model answers 429 (retry-after-ms 500) to everything for 15 s. */
export async function stormOnOneTarget(soak: Soak, bg: RunningLoad): Promise<FaultResult> {
  const storm429Before = served(soak.storm, soak.stormTally, 429);
  const from = Date.now();
  soak.storm.setDefault({ kind: 'status', status: 429, headers: { 'retry-after-ms': '500' } });
  const pool = startLoad(
    [
      { name: 'pool-json', door: soak.doors.caddy, workers: 4, op: () => ops.chat('pool') },
      { name: 'pool-stream', door: soak.doors.caddy, workers: 2, op: () => ops.chatStream('pool', slow(soak)) },
    ],
    soak.keys.first,
    from + STORM_SECONDS * 1000,
  );
  await sleep(STORM_SECONDS * 1000);
  const outcomes = await pool.stop();
  soak.storm.setDefault('ok');
  await sleep(1_000);
  const to = Date.now();
  const storm429 = served(soak.storm, soak.stormTally, 429) - storm429Before;
  const targeted = { ...count(outcomes), expected: 0, unexpected: count(outcomes).errors };
  const notes = [
    `the storm target answered 429 ${storm429} time(s); the pool model took ${outcomes.length} request(s) (${outcomes.filter((o) => o.label === 'chat-stream').length} streams) with ${targeted.errors} error(s): the proxy failed over to the other target and left the stormy one alone for its retry-after`,
  ];
  return result(
    '429 storm on one target',
    `every request to one of the pool's two targets answered 429 (retry-after-ms 500) for ${STORM_SECONDS} s, pool model under load`,
    from,
    to,
    bg,
    notes,
    true,
    targeted,
  );
}

/** A quarter of the requests of dedicated clients have the simulator cut the connection mid-answer. */
export async function dropMidStream(soak: Soak, bg: RunningLoad): Promise<FaultResult> {
  const dropStream = JSON.stringify({ kind: 'dropMidStream', afterChunks: 5, chunks: soak.settings.streamChunks });
  const dropJson = JSON.stringify({ kind: 'dropMidStream', afterChunks: 2, chunks: 4 });
  const dropped = (n: number) => n % 4 === 0;
  const streamOp = (n: number): Op =>
    dropped(n)
      ? { ...ops.chatStream('gpt-4o-mini', dropStream), label: 'chat-stream-drop' }
      : ops.chatStream('gpt-4o-mini', slow(soak));
  const jsonOp = (n: number): Op =>
    dropped(n) ? { ...ops.chat('gpt-4o-mini', dropJson), label: 'chat-drop' } : ops.chat('gpt-4o-mini');
  const from = Date.now();
  const load = startLoad(
    [
      { name: 'drop-stream', door: soak.doors.caddy, workers: 4, op: streamOp },
      { name: 'drop-stream-direct', door: soak.doors.proxy, workers: 2, op: streamOp },
      { name: 'drop-json', door: soak.doors.caddy, workers: 2, op: jsonOp },
    ],
    soak.keys.first,
    from + DROP_SECONDS * 1000,
  );
  await sleep(DROP_SECONDS * 1000);
  const outcomes = await load.stop();
  const to = Date.now();
  // A dropped stream must end with an error event; a dropped JSON answer must be a clean 502.
  const isExpected = (o: Outcome) =>
    (o.label === 'chat-stream-drop' && o.result === 'error_event') ||
    (o.label === 'chat-drop' && cleanError(o) && o.status === 502);
  const drops = outcomes.filter((o) => o.label.endsWith('-drop'));
  const expected = drops.filter(isExpected).length;
  const unexpected = outcomes.filter((o) => (o.label.endsWith('-drop') ? !isExpected(o) : o.result !== 'ok')).length;
  const streamDrops = drops.filter((o) => o.label === 'chat-stream-drop');
  const notes = [
    `${streamDrops.length} dropped stream(s): ${streamDrops.filter((o) => o.result === 'error_event').length} ended with an error event, ${streamDrops.filter((o) => o.result === 'cut').length} were cut without one, ${streamDrops.filter((o) => o.result === 'hang').length} hung`,
    `${drops.length - streamDrops.length} dropped JSON answer(s): ${drops.filter((o) => o.label === 'chat-drop' && isExpected(o)).length} became a clean 502 in OpenAI's error shape`,
    `${outcomes.length - drops.length} request(s) of the same clients without a drop: ${outcomes.filter((o) => !o.label.endsWith('-drop') && o.result !== 'ok').length} error(s)`,
  ];
  const targeted = { ...count(outcomes, (o) => o.result !== 'ok'), expected, unexpected };
  return result(
    'upstream drops mid-stream',
    `the simulator cut the connection after 5 events (streams) or half the body (JSON) on 1 request in 4 of dedicated clients, for ${DROP_SECONDS} s`,
    from,
    to,
    bg,
    notes,
    true,
    targeted,
  );
}

async function readyz(soak: Soak): Promise<number> {
  const res = await request(`${soak.doors.proxy.origin}/readyz`, {
    headers: { authorization: `Bearer ${soak.healthKey}` },
    headersTimeout: 5_000,
    bodyTimeout: 5_000,
  });
  await res.body.dump();
  return res.statusCode;
}

/**
 * The managed-identity endpoint drops every connection for `credentialOutageSeconds`. The `mi`
 * upstream holds a token from before (warm); 5 s in, a second managed-identity upstream is added
 * through the admin API (cold: it has never had a token). After the endpoint is back, both must
 * work again without anyone touching the gateway.
 */
export async function credentialOutage(soak: Soak, bg: RunningLoad): Promise<FaultResult> {
  const outageMs = soak.settings.credentialOutageSeconds * 1000;
  const deadline = Date.now() + outageMs + RECOVERY_LIMIT_MS + 30_000;
  const warm = startLoad(
    [{ name: 'mi-warm', door: soak.doors.caddy, workers: 2, op: () => ops.chat('mi-model'), pauseMs: 100 }],
    soak.keys.first,
    deadline,
  );
  await sleep(2_000);
  const from = Date.now();
  const tokensBefore = soak.identity.tokensIssued.length;
  const requestsBefore = soak.identity.requests.length;
  soak.identity.fail('down');
  const readyStatuses: Array<{ at: number; status: number }> = [];
  const readyTimer = setInterval(
    () =>
      void readyz(soak).then(
        (status) => readyStatuses.push({ at: Date.now(), status }),
        () => undefined,
      ),
    2_000,
  );
  await sleep(5_000);

  const coldClientId = randomUUID();
  let putStatus: number;
  try {
    const r = await soak.admin.editConfig((c) => {
      (c.upstreams as unknown[]).push({
        name: 'mi-cold',
        baseUrl: soak.mi.url,
        auth: { mode: 'managedIdentity', managedIdentityClientId: coldClientId },
      });
      (c.models as unknown[]).push({ id: 'mi-cold-model', upstream: 'mi-cold', targetModel: 'gpt-4o-mini' });
    });
    putStatus = r.status;
    soak.added.upstreams.push('mi-cold');
    soak.added.models.push('mi-cold-model');
  } catch (err) {
    // editConfig throws unless 200; the cold half then has no model to call (its requests get 404).
    putStatus = -1;
    void err;
  }
  const addedAt = Date.now();
  const cold = startLoad(
    [
      {
        name: 'mi-cold',
        door: soak.doors.caddy,
        workers: 2,
        op: () => ops.chat('mi-cold-model'),
        pauseMs: 200,
        timeoutMs: 60_000,
      },
    ],
    soak.keys.first,
    deadline,
  );
  await sleep(Math.max(0, from + outageMs - Date.now()));
  soak.identity.fail('none');
  const upAt = Date.now();
  let recoveredAt = 0;
  await reached(async () => {
    const ok = cold.outcomes.find((o) => o.t0 >= upAt && o.result === 'ok');
    if (ok) recoveredAt = ok.t1;
    return ok !== undefined;
  }, RECOVERY_LIMIT_MS);
  await sleep(5_000);
  const [warmOut, coldOut] = await Promise.all([warm.stop(), cold.stop()]);
  clearInterval(readyTimer);
  const to = Date.now();

  const warmDuring = within(warmOut, from, upAt);
  const warmAfter = warmOut.filter((o) => o.t0 > upAt);
  // Before recovery: started before the first success after the outage ended (that success
  // included); after: started once it had. A request already waiting for a token when the
  // endpoint came back belongs to the outage.
  const coldDuring = coldOut.filter((o) => o.t0 < (recoveredAt || to + 1));
  const coldAfter = recoveredAt ? coldOut.filter((o) => o.t0 >= recoveredAt) : [];
  const coldCleanFailures = coldDuring.filter((o) => o.result !== 'ok' && cleanError(o));
  const unexpected =
    warmOut.filter((o) => o.result !== 'ok').length +
    coldDuring.filter((o) => o.result !== 'ok' && !cleanError(o)).length +
    coldAfter.filter((o) => o.result !== 'ok').length;
  const codes: Record<string, number> = {};
  for (const o of coldCleanFailures) {
    const k = `${o.status} ${o.code ?? '?'}`;
    codes[k] = (codes[k] ?? 0) + 1;
  }
  const statuses = Object.entries(codes)
    .map(([k, v]) => `${v} × ${k}`)
    .join(', ');
  const notReady = readyStatuses.filter((r) => r.at < upAt && r.status !== 200).length;
  const readyAfter = readyStatuses.filter((r) => r.at > (recoveredAt || to)).map((r) => r.status);
  const notes = [
    `warm upstream (token fetched before the outage): ${warmDuring.length} request(s) during the outage, ${warmDuring.filter((o) => o.result !== 'ok').length} error(s); ${warmAfter.length} after, ${warmAfter.filter((o) => o.result !== 'ok').length} error(s)`,
    `cold upstream added ${((addedAt - from) / 1000).toFixed(0)} s into the outage (PUT answered ${putStatus}): ${coldDuring.length} request(s) before recovery, ${coldCleanFailures.length} clean error(s) (${statuses || 'none'}, OpenAI shape), ${coldDuring.filter((o) => o.result !== 'ok' && !cleanError(o)).length} unclean (hang, cut or odd body), ${coldDuring.filter((o) => o.result === 'ok').length} ok (the first success included); the longest took ${(Math.max(0, ...coldDuring.map((o) => o.t1 - o.t0)) / 1000).toFixed(1)} s`,
    recoveredAt
      ? `recovered by itself ${((recoveredAt - upAt) / 1000).toFixed(1)} s after the endpoint came back; ${coldAfter.length} cold request(s) after that, ${coldAfter.filter((o) => o.result !== 'ok').length} error(s)`
      : `did not recover within ${RECOVERY_LIMIT_MS / 1000} s after the endpoint came back`,
    `identity endpoint: ${soak.identity.requests.length - requestsBefore} token request(s) during and after the outage, ${soak.identity.tokensIssued.length - tokensBefore} token(s) issued after it`,
    `/readyz (health key): ${notReady} not-ready answer(s) during the outage; after recovery ${readyAfter.length ? readyAfter.join(', ') : 'no probe'}`,
  ];
  const all = [...warmOut, ...coldOut];
  const targeted = { ...count(all), expected: coldCleanFailures.length, unexpected };
  return result(
    'credential endpoint down',
    `managed-identity endpoint dropped every connection for ${outageMs / 1000} s; one upstream with a cached token, one added during the outage`,
    from,
    to,
    bg,
    notes,
    recoveredAt > 0,
    targeted,
  );
}
