/**
 * What the bench reads about processes from /proc besides their memory (test/harness/proc-memory.ts):
 * listening addresses and CPU time. Starting and stopping them is the shared harness's
 * (test/harness/child.ts).
 */
import { promises as fs } from 'node:fs';
import { statFields } from '../test/harness/proc-stat.js';

/**
 * The local addresses a TCP port is listening on (from /proc/net/tcp and tcp6), so the bench
 * can assert that a server it started listens on loopback only.
 */
export async function listenAddresses(port: number): Promise<string[]> {
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [addr, portHex] = (cols[1] ?? '').split(':');
      // State 0A is LISTEN.
      if (cols[3] !== '0A' || !addr || !portHex || parseInt(portHex, 16) !== port) continue;
      found.push(decodeAddress(addr));
    }
  }
  return found;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8)
    return (hex.match(/../g) ?? [])
      .map((b) => parseInt(b, 16))
      .reverse()
      .join('.');
  // IPv6: four little-endian 32-bit words.
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse());
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push(`${bytes[i]}${bytes[i + 1]}`.replace(/^0+(?=.)/, ''));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

/** CPU time in clock ticks: the whole machine's, and the part used by one process tree. */
export interface CpuSample {
  /** All CPUs, every state. */
  total: number;
  /** All CPUs, busy (neither idle, nor waiting for I/O, nor stolen). */
  busy: number;
  /** Stolen by the hypervisor. */
  steal: number;
  /** Used by `rootPid` and its descendants (children that exited count in their parent). */
  tree: number;
}

/** Reads /proc/stat and the /proc/<pid>/stat of every process descending from `rootPid`. */
export async function cpuSample(rootPid: number): Promise<CpuSample> {
  const stat = await fs.readFile('/proc/stat', 'utf8');
  const f = (/^cpu\s+(.+)$/m.exec(stat)?.[1] ?? '').trim().split(/\s+/).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const procs = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const text = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const fields = statFields(text);
    // After the command: state, ppid, … utime (14th field of the line), stime, cutime, cstime.
    const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0);
    procs.set(Number(entry), { ppid: Number(fields[1]), ticks });
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, depth = 0; p > 1 && depth < 50; depth++) {
      if (p === rootPid) return true;
      p = procs.get(p)?.ppid ?? 0;
    }
    return false;
  };
  let tree = 0;
  for (const [pid, p] of procs) if (inTree(pid)) tree += p.ticks;
  return {
    total: user + nice + system + idle + iowait + irq + softirq + steal,
    busy: user + nice + system + irq + softirq,
    steal,
    tree,
  };
}

/** Milliseconds per clock tick of /proc/<pid>/stat (USER_HZ is 100 on Linux). */
const MS_PER_TICK = 10;

/**
 * CPU time (user + system, all threads) that the processes `pids` have used so far, in ms;
 * the difference of two readings is what a scenario cost them.
 */
export async function cpuMsOf(pids: readonly number[]): Promise<number> {
  let ticks = 0;
  for (const pid of pids) ticks += await statTicks(`/proc/${pid}/stat`);
  return ticks * MS_PER_TICK;
}

// utime + stime in clock ticks from a process's or a thread's stat file (0 once it is gone).
async function statTicks(file: string): Promise<number> {
  const text = await fs.readFile(file, 'utf8').catch(() => '');
  const fields = statFields(text);
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
}

/** CPU time one thread of `pid` has used so far, in ms; the thread `pid` itself is its main thread. */
export async function threadCpuMs(pid: number, tid = pid): Promise<number> {
  return (await statTicks(`/proc/${pid}/task/${tid}/stat`)) * MS_PER_TICK;
}

/**
 * CPU time the thread of `pid` named `name` has used so far, in ms, from the scheduler's
 * nanosecond count (schedstat): a thread that runs a few milliseconds at a time would be rounded
 * away by the 10 ms ticks of its stat file. Undefined while `pid` has no such thread.
 */
export async function namedThreadCpuMs(pid: number, name: string): Promise<number | undefined> {
  for (const task of await fs.readdir(`/proc/${pid}/task`).catch(() => [])) {
    const dir = `/proc/${pid}/task/${task}`;
    const comm = await fs.readFile(`${dir}/comm`, 'utf8').catch(() => '');
    if (comm.trim() !== name) continue;
    const ns = Number((await fs.readFile(`${dir}/schedstat`, 'utf8').catch(() => '')).split(' ')[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  }
  return undefined;
}
