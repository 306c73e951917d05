/**
 * Phase 4, data lost: after everything, the config on disk is valid and holds every model and key
 * the suite added, the client keys still work, and usage survives a graceful stop and a start on
 * the same DATA_DIR (what the proxy counted in memory = what is in usage.json = what it reports
 * after the restart).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { validateConfig } from '../common/config/validate.js';
import { loopbackTlsAgent } from '../test/harness/loopback-tls.js';
import { startStack, killStack, type Stack } from '../test/harness/stack.js';
import { INVALID_MARKER } from './fuzz-inputs.js';
import { internalStats, persistedUsage, type Soak } from './setup.js';

/** What phase 4 reports. */
export interface DataReport {
  configValid: boolean;
  configIssues: string[];
  etagMatchesFile: boolean;
  missingModels: string[];
  missingUpstreams: string[];
  /** Keys the suite created that are missing or not active. */
  missingKeys: string[];
  fuzzMarkerFound: boolean;
  keysTried: number;
  keysWorking: number;
  /** Client keys' requests: in the proxy's memory before the stop, in usage.json after it, and as reported after the restart. */
  usage:
    | {
        keys: number;
        inMemory: number;
        onDiskAfterStop: number;
        afterRestart: number;
        lostAtStop: number;
        lostAtRestart: number;
      }
    | undefined;
  stopExitCode: number | null;
  restartOk: boolean;
  restartError?: string;
  /** Sum of everything lost: missing models, upstreams and keys, and usage requests lost at stop or restart. */
  dataLost: number;
}

/** Models and upstreams the config must still hold, and the ids of keys the suite created. */
export interface Expected {
  models: string[];
  upstreams: string[];
  keyIds: string[];
}

async function modelsAnswer(url: string, key: string, ca: string): Promise<boolean> {
  const agent = loopbackTlsAgent(ca);
  try {
    const res = await request(`${url}/v1/models`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${key}` },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    await res.body.dump();
    return res.statusCode === 200;
  } catch {
    return false;
  } finally {
    await agent.close();
  }
}

async function checkConfig(
  dataDir: string,
  adminEtag: string | undefined,
  expected: Expected,
): Promise<
  Pick<
    DataReport,
    | 'configValid'
    | 'configIssues'
    | 'etagMatchesFile'
    | 'missingModels'
    | 'missingUpstreams'
    | 'missingKeys'
    | 'fuzzMarkerFound'
  >
> {
  const text = await fs.readFile(path.join(dataDir, 'config.json'), 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return {
      configValid: false,
      configIssues: [`not JSON: ${(err as Error).message}`],
      etagMatchesFile: false,
      missingModels: expected.models,
      missingUpstreams: expected.upstreams,
      missingKeys: expected.keyIds,
      fuzzMarkerFound: false,
    };
  }
  const v = validateConfig(raw);
  const c = raw as {
    models?: Array<{ id?: string }>;
    upstreams?: Array<{ name?: string }>;
    apiKeys?: Array<{ id?: string; status?: string }>;
  };
  const etag = `"${createHash('sha256').update(text, 'utf8').digest('hex')}"`;
  return {
    configValid: v.ok,
    configIssues: v.ok ? [] : v.issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`),
    etagMatchesFile: adminEtag === etag,
    missingModels: expected.models.filter((id) => !(c.models ?? []).some((m) => m.id === id)),
    missingUpstreams: expected.upstreams.filter((n) => !(c.upstreams ?? []).some((u) => u.name === n)),
    missingKeys: expected.keyIds.filter(
      (id) => !(c.apiKeys ?? []).some((k) => k.id === id && (k.status ?? 'active') === 'active'),
    ),
    fuzzMarkerFound: text.includes(INVALID_MARKER),
  };
}

function clientKeyTotal(byKey: Record<string, { requests: number }>, ids: readonly string[]): number {
  return ids.reduce((sum, id) => sum + (byKey[id]?.requests ?? 0), 0);
}

/**
 * Runs phase 4; stops the stack (gracefully) and starts it again on the same DATA_DIR, then
 * stops that one too. `keys` maps key ids to clear keys (to check they still work).
 */
export async function checkData(soak: Soak, expected: Expected, keys: Record<string, string>): Promise<DataReport> {
  const adminEtag = (await soak.admin.config().catch(() => undefined))?.etag;
  const cfg = await checkConfig(soak.stack.dataDir, adminEtag, expected);
  const ca = await soak.stack.localCa();
  const entries = Object.entries(keys).slice(0, 8);
  let keysWorking = 0;
  for (const [, key] of entries) if (await modelsAnswer(soak.stack.url, key, ca)) keysWorking += 1;

  const ids = Object.keys(keys);
  const memory = await internalStats(soak).catch(() => undefined);
  const stopExitCode = await soak.stack.stop();
  const disk = await persistedUsage(soak.stack.dataDir);

  let restarted: Stack | undefined;
  let afterRestart: number | undefined;
  let restartError: string | undefined;
  try {
    restarted = await startStack({ baseDir: soak.base, env: soak.stackEnv });
    const stats = await internalStats({ internalUrl: `http://127.0.0.1:${restarted.env.INTERNAL_PORT}` });
    afterRestart = clientKeyTotal(stats.byKey, ids);
    for (const [, key] of entries.slice(0, 2))
      if (!(await modelsAnswer(restarted.url, key, ca)))
        restartError = 'a client key stopped working after the restart';
    await restarted.stop();
  } catch (err) {
    restartError = (err as Error).message.slice(0, 500);
    if (restarted) await killStack(restarted);
  }
  const inMemory = memory ? clientKeyTotal(memory.byKey, ids) : undefined;
  const onDisk = ids.reduce((sum, id) => sum + (disk.byKey[id] ?? 0), 0);
  const usage =
    inMemory !== undefined && afterRestart !== undefined
      ? {
          keys: ids.length,
          inMemory,
          onDiskAfterStop: onDisk,
          afterRestart,
          lostAtStop: Math.max(0, inMemory - onDisk),
          lostAtRestart: Math.max(0, onDisk - afterRestart),
        }
      : undefined;
  const dataLost =
    cfg.missingModels.length +
    cfg.missingUpstreams.length +
    cfg.missingKeys.length +
    (usage ? usage.lostAtStop + usage.lostAtRestart : 0);
  return {
    ...cfg,
    keysTried: entries.length,
    keysWorking,
    usage,
    stopExitCode,
    restartOk: restartError === undefined && afterRestart !== undefined,
    ...(restartError ? { restartError } : {}),
    dataLost,
  };
}
