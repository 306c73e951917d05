/** The machine a run comes from: CPUs, memory, kernel and the versions of what was measured. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';
import type { Machine } from './report.js';

const run = promisify(execFile);

/** Reads /proc/cpuinfo, the OS and `caddy version`; Portkey's version is filled in later. */
export async function machineInfo(): Promise<Machine> {
  const cpuinfo = await fs.readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const caddy = await run(process.env.CADDY_BIN ?? 'caddy', ['version']).then((r) => r.stdout.trim().split(/\s+/)[0] ?? '?', () => 'not found');
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: os.availableParallelism(),
    cpuModel,
    memoryGiB: os.totalmem() / 1024 ** 3,
    node: process.version,
    caddy,
    portkey: '?',
    kernel: `${os.type()} ${os.release()}`,
  };
}
