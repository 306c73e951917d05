/**
 * Faults of the stack's own processes: kill -9 of the proxy (supervisord restarts it; Caddy holds
 * new requests for lb_try_duration meanwhile) and a Caddy config reload through the admin API.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { reached, sleep } from '../test/harness/ports.js';
import { processInfo } from '../test/harness/supervisor-rpc.js';
import { ops, runOp, type RunningLoad } from './load.js';
import { internalStats, liveTeamLedger, persistedTeamLedger, persistedUsage, type Soak } from './setup.js';
import { programPids } from './rss.js';
import { backgroundIn, result, type FaultResult } from './fault-types.js';

const SETTLE_MS = 2_000;

/** Quota use and spend the proxy had counted but not written when it was killed. */
export interface LedgerLoss {
  tokens: number;
  spend: number;
  tokensBefore: number;
  writtenMsBeforeKill: number;
}

/** `health_interval` of the Caddyfile in force (e.g. `2s`), or `?`. */
export async function caddyHealthInterval(soak: Soak): Promise<string> {
  const text = await fs.readFile(path.join(soak.stack.dataDir, 'Caddyfile'), 'utf8').catch(() => '');
  return /^\s*health_interval\s+(\S+)/m.exec(text)?.[1] ?? '?';
}

/** True when the proxy's own listener answers /healthz with the health key. */
async function healthz(soak: Soak): Promise<boolean> {
  try {
    const res = await request(`${soak.doors.proxy.origin}/healthz`, {
      headers: { authorization: `Bearer ${soak.healthKey}` },
      headersTimeout: 2_000,
      bodyTimeout: 2_000,
    });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  }
}

/** kill -9 the proxy under load; measures restart time, errors, and usage counted but not yet persisted. */
export async function killProxy(
  soak: Soak,
  bg: RunningLoad,
  nth: number,
): Promise<FaultResult & { unpersistedUsage: number | undefined; ledgerLoss: LedgerLoss | undefined }> {
  const runDir = soak.stack.runDir;
  const pid = (await processInfo(runDir, 'proxy')).pid;
  const inMemory = await internalStats(soak).catch(() => undefined);
  const ledgerBefore = await liveTeamLedger(soak).catch(() => undefined);
  const from = Date.now();
  process.kill(pid, 'SIGKILL');
  // The proxy is gone and its successor has not written yet (usage every 30 s, governance once a
  // second but only after it has counted something): what is on disk now survived the kill.
  const [onDisk, ledgerOnDisk] = await Promise.all([
    persistedUsage(soak.stack.dataDir),
    persistedTeamLedger(soak.stack.dataDir),
  ]);
  const ledgerLoss: LedgerLoss | undefined = ledgerBefore
    ? {
        tokens: Math.max(0, ledgerBefore.tokens - ledgerOnDisk.tokens),
        spend: Math.max(0, ledgerBefore.spend - ledgerOnDisk.spend),
        tokensBefore: ledgerBefore.tokens,
        writtenMsBeforeKill: from - ledgerOnDisk.mtimeMs,
      }
    : undefined;
  // One loop watches all three, so none waits for another: supervisord's RUNNING (which comes
  // `startsecs` after the spawn), the new proxy answering /healthz, and a request through Caddy.
  let runningAt = 0;
  let answeringAt = 0;
  let servedAt = 0;
  await reached(async () => {
    if (!runningAt) {
      const p = await processInfo(runDir, 'proxy').catch(() => ({ state: '', pid: 0 }));
      if (p.state === 'RUNNING' && p.pid !== pid && p.pid !== 0) runningAt = Date.now();
    }
    if (!answeringAt && (await healthz(soak))) answeringAt = Date.now();
    if (
      !servedAt &&
      (await runOp(soak.doors.caddy, ops.chat('gpt-4o-mini'), 'probe', soak.keys.first, 5_000)).result === 'ok'
    )
      servedAt = Date.now();
    return runningAt > 0 && answeringAt > 0 && servedAt > 0;
  }, 60_000);
  const restarted = runningAt > 0 && answeringAt > 0;
  const serving = servedAt > 0;
  await sleep(SETTLE_MS);
  const to = Date.now();
  const unpersisted = inMemory ? Math.max(0, inMemory.totals.requests - onDisk.total) : undefined;
  const bgIn = backgroundIn(bg, from, to);
  const interval = await caddyHealthInterval(soak);
  const notes = [
    bgIn.errors
      ? `clients saw failures for ${bgIn.errorSpanS.toFixed(1)} s: ${Object.entries(bgIn.errorStatuses)
          .map(([st, n]) => `${n} × ${st === '0' ? 'no answer' : st === '200' ? 'stream cut after 200' : st}`)
          .join(
            ', ',
          )}${bgIn.errorStatuses['503'] ? ` (503 = Caddy's "no upstreams available": its active health check, every ${interval}, had marked the proxy down, and Caddy retries only dial errors for POSTs, so lb_try_duration does not hold these; they last until the next passing check)` : ''}`
      : 'no client saw a failure',
    restarted
      ? `the new proxy answered /healthz ${((answeringAt - from) / 1000).toFixed(1)} s after the kill (supervisord called it RUNNING after ${((runningAt - from) / 1000).toFixed(1)} s, its startsecs included)`
      : 'the proxy did not come back within 60 s',
    serving
      ? `first successful request through Caddy ${((servedAt - from) / 1000).toFixed(1)} s after the kill`
      : 'no request succeeded through Caddy within 60 s',
    unpersisted !== undefined
      ? `usage counted in memory but not yet on disk when killed: ${unpersisted} request(s) (${onDisk.savedAt ? `usage.json written ${((from - onDisk.savedAt) / 1000).toFixed(0)} s before the kill` : 'no usage.json written yet'}; the proxy writes it every 30 s)`
      : 'usage before the kill could not be read',
    ledgerLoss
      ? `quota use and spend counted but not yet on disk when killed: ${ledgerLoss.tokens} of ${ledgerLoss.tokensBefore} tokens this month, ${ledgerLoss.spend.toFixed(6)} in spend (governance.json written ${(ledgerLoss.writtenMsBeforeKill / 1000).toFixed(1)} s before the kill; the proxy writes it every second)`
      : 'quota use before the kill could not be read',
  ];
  return {
    ...result(
      `kill -9 proxy (#${nth})`,
      `SIGKILL to the proxy (pid ${pid}) under load`,
      from,
      to,
      bg,
      notes,
      restarted && serving,
    ),
    unpersistedUsage: unpersisted,
    ledgerLoss,
  };
}

/** Re-applies the stored config three times (POST /admin/api/reload → Caddy /load, forced) under load. */
export async function reloadCaddy(soak: Soak, bg: RunningLoad): Promise<FaultResult> {
  const before = await programPids(soak.stack.runDir);
  const from = Date.now();
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await soak.admin.call('POST', '/admin/api/reload');
    statuses.push(r.status);
    await sleep(2_000);
  }
  await sleep(SETTLE_MS);
  const to = Date.now();
  const after = await programPids(soak.stack.runDir);
  const bgIn = backgroundIn(bg, from, to);
  const notes = [
    `POST /admin/api/reload answered ${statuses.join(', ')}`,
    bgIn.errors
      ? `${bgIn.errors} request(s) failed: ${Object.entries(bgIn.byResult)
          .filter(([k]) => k !== 'ok')
          .map(([k, v]) => `${v} × ${k}`)
          .join(
            ', ',
          )}${bgIn.examples.some((e) => /other side closed|ECONNRESET|socket/i.test(e)) ? ' — a request sent on an idle keep-alive connection just as the reload closed it (HTTP/1.1; the client cannot know the server never read it, so it is lost unless the client retries, as the OpenAI SDKs do by default)' : ''}`
      : 'no client saw a failure',
    after.caddy === before.caddy
      ? `Caddy reloaded in place (pid ${after.caddy} unchanged)`
      : `Caddy's pid changed ${before.caddy} → ${after.caddy}`,
  ];
  return result(
    'Caddy config reload',
    '3 × POST /admin/api/reload (render → /adapt → forced /load of the same Caddyfile), 2 s apart, under load',
    from,
    to,
    bg,
    notes,
    statuses.every((s) => s === 200),
  );
}
