/** Resident memory of a process, read from /proc/<pid>/status, for the bench and the soak. */
import { promises as fs } from 'node:fs';

/** Resident memory now and at its peak, in bytes (0 when the process is gone). */
export interface Memory {
  rss: number;
  hwm: number;
}

/** Reads VmRSS and VmHWM of `pid`. */
export async function memoryOf(pid: number): Promise<Memory> {
  const text = await fs.readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
