/** The machine a bench or soak run comes from: CPUs, memory, kernel, and the Node and Caddy versions. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { caddyVersion } from './caddy-process.js';

/** What both reports say about the machine. */
export interface MachineInfo {
  /** ISO time of the run, to the second. */
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  caddy: string;
}

/** Reads /proc/cpuinfo, the OS, this Node and `caddy version`. */
export async function describeMachine(): Promise<MachineInfo> {
  const cpuinfo = await fs.readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpus: os.availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: os.totalmem() / 1024 ** 3,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    caddy: await caddyVersion(),
  };
}
