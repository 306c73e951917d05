/**
 * Recent lines of Caddy's own log file (RUN_DIR/caddy.log, JSON lines; it also carries the access
 * log). Only the tail is read, so a large log never costs more than `TAIL_BYTES` per call.
 */
import { promises as fs } from 'node:fs';
import { isRecord } from '../http-call.js';

/** How much of the end of the file is read. */
export const TAIL_BYTES = 256 * 1024;

/** One parsed log line (Caddy: `level`, `ts` in epoch seconds, `logger`, `msg`, fields). */
export type LogLine = Record<string, unknown>;

/** The JSON lines in the last `maxBytes` of `file`, oldest first; [] when the file does not exist. */
export async function tailJsonLines(file: string, maxBytes = TAIL_BYTES): Promise<LogLine[]> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    const { bytesRead } = await handle.read(buf, 0, buf.length, start);
    const lines = buf.subarray(0, bytesRead).toString('utf8').split('\n');
    if (start > 0) lines.shift(); // the first line was cut by the tail
    const out: LogLine[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (isRecord(parsed)) out.push(parsed);
      } catch {
        // Not JSON (a panic trace, a line cut by rotation): skip it.
      }
    }
    return out;
  } finally {
    await handle.close();
  }
}

const LEVELS: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, warning: 40, error: 50, dpanic: 60, panic: 60, fatal: 60 };

/** A pino-style number for a level name or number (Caddy writes names, pino numbers). */
export function levelNumber(level: unknown): number | undefined {
  if (typeof level === 'number') return level;
  if (typeof level === 'string') return LEVELS[level.toLowerCase()] ?? (Number(level) || undefined);
  return undefined;
}

/** Filters lines by minimum level and a text match, keeping the last `limit`. */
export function filterLines(lines: LogLine[], opts: { limit: number; minLevel?: number; contains?: string }): LogLine[] {
  const out = lines.filter((l) => {
    if (opts.minLevel !== undefined && (levelNumber(l.level) ?? 0) < opts.minLevel) return false;
    return !opts.contains || JSON.stringify(l).includes(opts.contains);
  });
  return out.slice(-opts.limit);
}

/** True for certificate management lines (`tls.obtain`, `tls.issuance.acme`, `http.acme_client`, …). */
export function isAcmeLine(line: LogLine): boolean {
  const logger = typeof line.logger === 'string' ? line.logger : '';
  return logger === 'tls' || logger.startsWith('tls.') || logger.includes('acme');
}

/** The names a certificate log line is about (`identifier`, `domain`, `names`, `subjects`). */
function namesOf(line: LogLine): string[] {
  const names: string[] = [];
  for (const field of ['identifier', 'domain', 'server_name']) if (typeof line[field] === 'string') names.push(line[field]);
  for (const field of ['names', 'subjects', 'identifiers']) {
    const v = line[field];
    if (Array.isArray(v)) for (const n of v) if (typeof n === 'string') names.push(n);
  }
  return names.map((n) => n.toLowerCase());
}

/** The last ACME error line for `domain` (level error or worse), or undefined. */
export function lastAcmeError(lines: LogLine[], domain: string): LogLine | undefined {
  const d = domain.toLowerCase();
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line && isAcmeLine(line) && (levelNumber(line.level) ?? 0) >= 50 && namesOf(line).includes(d)) return line;
  }
  return undefined;
}
