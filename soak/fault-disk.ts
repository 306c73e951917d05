/**
 * Disk full while saving the config: DATA_DIR is a small tmpfs (disk.ts); the suite fills it to
 * leave 0, 1 or 3 pages free, PUTs a config change through the admin API, and checks while the
 * disk is still full that the save either failed cleanly with the old config on disk and serving,
 * or succeeded completely; then frees the space and checks a save works again.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fillDisk, unfillDisk } from './disk.js';
import { ops, runOp } from './load.js';
import { persistedUsage, type Soak } from './setup.js';
import { result, type FaultResult } from './fault-types.js';
import type { RunningLoad } from './load.js';

/** One fill level's outcome. */
export interface DiskLevel {
  leaveBytes: number;
  freeBytes: number;
  status: number;
  code: string;
  step: string;
  rolledBack: string;
  /** config.json and the Caddyfile are byte-identical to before (expected after a failed save). */
  filesUnchanged: boolean;
  /** config.json still parses as JSON. */
  configParses: boolean;
  /** The answer and the files agree: 200 and the new config in force, or an error and the old files. */
  consistent: boolean;
  /** A request on an existing model through Caddy succeeded while the disk was full. */
  oldConfigServes: boolean;
  /** The apply's failed steps with their detail, as the API reported them. */
  failedSteps: string;
}

/** Bytes left free: none (the first temp file fails), and one page (enough for the atomic writes). */
const LEVELS = [0, 4_096];
/** At the first level the disk stays full this long, so the proxy's 30-second usage write fails at least once. */
const HOLD_FULL_MS = 31_000;

async function readOr(file: string): Promise<string> {
  return fs.readFile(file, 'utf8').catch(() => '');
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** PUTs the current config plus one model `id` (an alias of gpt-4o-mini on the stack's simulator). */
async function addModel(
  soak: Soak,
  id: string,
): Promise<{ status: number; etag: string | undefined; body: Record<string, unknown> }> {
  const { etag, config } = await soak.admin.config();
  (config.models as unknown[]).push({ id, upstream: 'simulator', targetModel: 'gpt-4o-mini' });
  const r = await soak.admin.call('PUT', '/admin/api/config', { body: config, headers: { 'if-match': etag } });
  if (r.status === 200) soak.added.models.push(id);
  return {
    status: r.status,
    etag: r.etag,
    body: typeof r.body === 'object' && r.body !== null ? (r.body as Record<string, unknown>) : { text: r.body },
  };
}

/** Runs the disk-full fault, or reports why it cannot be simulated here. */
export async function diskFull(soak: Soak, bg: RunningLoad): Promise<FaultResult & { levels: DiskLevel[] }> {
  const from = Date.now();
  if (!soak.disk.mounted) {
    return {
      ...result('disk full on config save', 'not simulated', from, from, bg, [soak.disk.reason], true),
      verdict: 'skipped',
      levels: [],
    };
  }
  const dir = soak.disk.dir;
  const configFile = path.join(dir, 'config.json');
  const caddyfile = path.join(dir, 'Caddyfile');
  const levels: DiskLevel[] = [];
  let usageWrite: { savedBefore: number; savedAfter: number; intact: boolean } | undefined;
  for (const [i, leave] of LEVELS.entries()) {
    const id = `soak-disk-${i}`;
    const [config0, caddy0] = await Promise.all([readOr(configFile), readOr(caddyfile)]);
    const free = await fillDisk(dir, leave);
    let r: Awaited<ReturnType<typeof addModel>>;
    let config1: string;
    let caddy1: string;
    let after: Awaited<ReturnType<Soak['admin']['config']>> | undefined;
    let old: Awaited<ReturnType<typeof runOp>>;
    let fresh: Awaited<ReturnType<typeof runOp>> | undefined;
    try {
      r = await addModel(soak, id);
      // Still full: what is on disk and what serves now is what a user would be left with.
      [config1, caddy1] = await Promise.all([readOr(configFile), readOr(caddyfile)]);
      after = await soak.admin.config().catch(() => undefined);
      old = await runOp(soak.doors.caddy, ops.chat('gpt-4o-mini'), 'disk-probe', soak.keys.first, 15_000);
      fresh =
        r.status === 200
          ? await runOp(soak.doors.caddy, ops.chat(id), 'disk-probe', soak.keys.first, 15_000)
          : undefined;
      if (i === 0) {
        // Keep it full past one usage write of the proxy (every 30 s): that write fails, and the
        // data check at the end shows whether the counts were kept for the next one.
        const damaged = { savedAt: -1, total: -1, byKey: {} };
        const before = await persistedUsage(dir).catch(() => damaged);
        await new Promise((res) => setTimeout(res, HOLD_FULL_MS));
        const after = await persistedUsage(dir).catch(() => damaged);
        usageWrite = {
          savedBefore: before.savedAt,
          savedAfter: after.savedAt,
          intact: after.total >= before.total && after.savedAt >= before.savedAt,
        };
      }
    } finally {
      await unfillDisk(dir);
    }
    const error = (r.body.error ?? {}) as { code?: unknown };
    const filesUnchanged = config1 === config0 && caddy1 === caddy0;
    const consistent =
      r.status === 200
        ? after?.etag === r.etag && fresh?.result === 'ok' && config1 !== config0
        : filesUnchanged &&
          after !== undefined &&
          after.config.models !== undefined &&
          !(after.config.models as Array<{ id?: string }>).some((m) => m.id === id);
    levels.push({
      leaveBytes: leave,
      freeBytes: free,
      status: r.status,
      code: typeof error.code === 'string' ? error.code : '',
      step: typeof r.body.step === 'string' ? r.body.step : '',
      rolledBack: r.body.rolledBack === undefined ? '' : String(r.body.rolledBack),
      filesUnchanged,
      configParses: parses(config1),
      consistent,
      oldConfigServes: old.result === 'ok',
      failedSteps: Array.isArray(r.body.steps)
        ? (r.body.steps as Array<{ name?: unknown; ok?: unknown; detail?: unknown }>)
            .filter((st) => st.ok === false)
            .map((st) => `${String(st.name)}: ${String(st.detail ?? '').slice(0, 120)}`)
            .join('; ')
        : '',
    });
  }
  // Space is back: the same kind of save must simply work.
  const final = await addModel(soak, 'soak-disk-after');
  const finalProbe =
    final.status === 200
      ? await runOp(soak.doors.caddy, ops.chat('soak-disk-after'), 'disk-probe', soak.keys.first, 15_000)
      : undefined;
  const baks = await Promise.all(
    ['config.json.bak', 'Caddyfile.bak'].map(async (f) => ({ f, text: await readOr(path.join(dir, f)) })),
  );
  const to = Date.now();
  const failedCleanly = levels.filter(
    (l) => l.status >= 400 && l.status < 600 && l.code !== '' && l.filesUnchanged,
  ).length;
  const notes = [
    ...levels.map(
      (l) =>
        `${l.freeBytes} B free: PUT answered ${l.status}${l.code ? ` ${l.code}` : ''}${l.step ? ` at step ${l.step}` : ''}${l.rolledBack ? `, rolledBack=${l.rolledBack}` : ''}${l.failedSteps ? ` (failed steps — ${l.failedSteps})` : ''}; files ${l.filesUnchanged ? 'unchanged' : 'changed'}, config.json ${l.configParses ? 'valid JSON' : 'NOT JSON'}, answer and files ${l.consistent ? 'agree' : 'DISAGREE'}, old config ${l.oldConfigServes ? 'still serving' : 'NOT serving'}`,
    ),
    usageWrite
      ? `the disk stayed full for ${HOLD_FULL_MS / 1000} s, longer than the proxy's 30 s usage-write interval: usage.json was ${usageWrite.savedAfter === usageWrite.savedBefore ? 'not rewritten (the write failed with ENOSPC)' : 'rewritten (a write found room)'} and stayed ${usageWrite.intact ? 'intact (valid, no count lower)' : 'DAMAGED'}; phase 4 checks no count was lost`
      : 'the disk was not held full',
    `with space again: PUT answered ${final.status}, the new model ${finalProbe?.result === 'ok' ? 'served' : 'did NOT serve'}`,
    `backups: ${baks.map((b) => `${b.f} ${b.text === '' ? 'missing' : b.f.startsWith('config.json') ? (parses(b.text) ? 'valid JSON' : 'NOT JSON') : `${b.text.length} B`}`).join(', ')}`,
  ];
  const ok =
    levels.every((l) => l.consistent && l.configParses && l.oldConfigServes) &&
    final.status === 200 &&
    finalProbe?.result === 'ok' &&
    usageWrite?.intact !== false;
  const res = result(
    'disk full on config save',
    `DATA_DIR on a ${Math.round(soak.disk.sizeBytes / 1048576)} MiB tmpfs filled to ${LEVELS.map((l) => `${l / 1024} KiB`).join(' / ')} free, then PUT /admin/api/config (full for ${HOLD_FULL_MS / 1000} s the first time) (${failedCleanly} of ${levels.length} saves refused cleanly)`,
    from,
    to,
    bg,
    notes,
    ok,
  );
  return { ...res, levels };
}
