/**
 * The usage stats file (DATA_DIR/usage.json): a versioned JSON document, its strict decoder, and a
 * reader that turns a missing file into an empty store and moves a corrupt one aside (so the next
 * write does not destroy evidence, and a bad file never stops the proxy from starting).
 *
 * Version 1:
 *   { "version": 1, "savedAt": <epoch ms>, "fields": [<FIELD_NAMES>],
 *     "series": [{ "model", "keyId", "target", "lifetime": [values...],
 *                  "minutes": [[t, values...], ...], "hours": [[t, values...], ...] }] }
 * Values follow `fields`, with trailing zeros trimmed; `t` is the bucket start (epoch ms).
 */
import { promises as fs } from 'node:fs';
import { FIELD_COUNT, FIELD_NAMES, HOUR_MS, MINUTE_MS, type Counters } from './counters.js';

export const FILE_VERSION = 1;

/** A pino-compatible logger, used only for warnings about the stats file. */
export interface UsageLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** One series as stored: labels, lifetime totals and its buckets as [start, counters]. */
export interface FileSeries {
  model: string;
  keyId: string;
  target: string;
  lifetime: Counters;
  minutes: Array<[number, Counters]>;
  hours: Array<[number, Counters]>;
}

/** What reading found: a file, no file, a corrupt file (moved aside), or a file it could not read. */
export type RestoreResult = 'loaded' | 'missing' | 'corrupt' | 'unreadable';

// Most buckets are sparse (no tokens, few histogram buckets), so trailing zeros are left out.
function encodeCounters(a: Counters): number[] {
  let end = a.length;
  while (end > 0 && a[end - 1] === 0) end--;
  return a.slice(0, end);
}

/** Serialises `series` (already pruned by the caller) as the version 1 document. */
export function encodeUsageFile(series: readonly FileSeries[], savedAt: number): string {
  return JSON.stringify({
    version: FILE_VERSION,
    savedAt,
    fields: FIELD_NAMES,
    series: series.map((s) => ({
      model: s.model,
      keyId: s.keyId,
      target: s.target,
      lifetime: encodeCounters(s.lifetime),
      minutes: s.minutes.map(([t, b]) => [t, ...encodeCounters(b)]),
      hours: s.hours.map(([t, b]) => [t, ...encodeCounters(b)]),
    })),
  });
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
// Array.isArray narrows to any[]; this keeps the elements unknown.
const isArray = (v: unknown): v is unknown[] => Array.isArray(v);

/**
 * Validates a parsed stats file and decodes it; throws an Error naming the first problem. Strict on
 * purpose: this process wrote the file, so anything unexpected means it is damaged.
 */
export function decodeUsageFile(json: unknown): FileSeries[] {
  if (!isObject(json)) throw new Error('not a JSON object');
  if (json.version !== FILE_VERSION) throw new Error(`unsupported version ${String(json.version)}`);
  const fields = json.fields;
  if (!isArray(fields) || !fields.every((f) => typeof f === 'string')) throw new Error('fields: not a list of names');
  // Unknown names (a newer layout) are skipped; known names missing from the file stay zero.
  const layout = fields.map((f) => FIELD_NAMES.indexOf(f as string));
  if (!isArray(json.series)) throw new Error('series: not a list');
  return json.series.map((s, i) => {
    const where = `series[${i}]`;
    if (!isObject(s)) throw new Error(`${where}: not an object`);
    const { model, keyId, target } = s;
    if (typeof model !== 'string' || typeof keyId !== 'string' || typeof target !== 'string')
      throw new Error(`${where}: labels`);
    if (!isArray(s.lifetime)) throw new Error(`${where}.lifetime: not a list`);
    return {
      model,
      keyId,
      target,
      lifetime: decodeValues(s.lifetime, 0, layout, `${where}.lifetime`),
      minutes: decodeBuckets(s.minutes, MINUTE_MS, layout, `${where}.minutes`),
      hours: decodeBuckets(s.hours, HOUR_MS, layout, `${where}.hours`),
    };
  });
}

function decodeValues(row: unknown[], offset: number, layout: number[], where: string): Counters {
  if (row.length - offset > layout.length) throw new Error(`${where}: more values than fields`);
  const a = new Array<number>(FIELD_COUNT).fill(0);
  for (let i = offset; i < row.length; i++) {
    const x = row[i];
    if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new Error(`${where}: bad value at ${i}`);
    const field = layout[i - offset] ?? -1;
    if (field >= 0) a[field] = x;
  }
  return a;
}

function decodeBuckets(v: unknown, step: number, layout: number[], where: string): Array<[number, Counters]> {
  if (!isArray(v)) throw new Error(`${where}: not a list`);
  return v.map((row, j): [number, Counters] => {
    const t = isArray(row) ? row[0] : undefined;
    if (!isArray(row) || typeof t !== 'number' || !Number.isSafeInteger(t) || t % step !== 0)
      throw new Error(`${where}[${j}]: bad bucket`);
    return [t, decodeValues(row, 1, layout, `${where}[${j}]`)];
  });
}

/**
 * Reads and decodes `file`. Missing: no series. Corrupt: renamed to `<file>.corrupt-<epoch ms>`,
 * logged, no series. Unreadable (EACCES, EIO): logged, no series, left in place.
 */
export async function readUsageFile(
  file: string,
  logger?: UsageLogger,
): Promise<{ result: RestoreResult; series: FileSeries[] }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { result: 'missing', series: [] };
    logger?.warn({ err, file }, 'usage stats file unreadable; starting empty');
    return { result: 'unreadable', series: [] };
  }
  try {
    return { result: 'loaded', series: decodeUsageFile(JSON.parse(text)) };
  } catch (err) {
    const movedTo = `${file}.corrupt-${Date.now()}`;
    await fs.rename(file, movedTo).catch((renameErr: unknown) => {
      logger?.warn({ err: renameErr, file }, 'could not move corrupt usage stats file aside');
    });
    logger?.warn(
      { file, movedTo, reason: err instanceof Error ? err.message : String(err) },
      'usage stats file corrupt; starting empty',
    );
    return { result: 'corrupt', series: [] };
  }
}
