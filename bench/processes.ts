/**
 * Child processes for the benchmark: spawn with output to a log file, wait for readiness with a
 * deadline, stop by pid (or by the process group the bench itself created), and read a
 * process's resident memory from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, promises as fs } from 'node:fs';
import net from 'node:net';

/** A child process the bench started. */
export interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  exit: Promise<number | null>;
  /** The last lines of its log, for error messages. */
  tail(chars?: number): Promise<string>;
}

/** Options of `startChild`. */
export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  /** Own process group (for a supervisor tree stopped as a whole). */
  detached?: boolean;
}

/** Spawns a process whose stdout and stderr go to `logFile` (a real fd: supervisord needs one). */
export function startChild(opts: StartOptions): Child {
  const fd = openSync(opts.logFile, 'a');
  const proc = spawn(opts.command, opts.args, { env: opts.env, stdio: ['ignore', fd, fd], detached: opts.detached ?? false });
  closeSync(fd);
  const exit = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => resolve(code));
    proc.once('error', () => resolve(-1));
  });
  const tail = async (chars = 3000) => (await fs.readFile(opts.logFile, 'utf8').catch(() => '')).slice(-chars);
  return { name: opts.name, proc, logFile: opts.logFile, exit, tail };
}

/** Stops a child: SIGTERM (to its group when detached), SIGKILL after `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000, detached = false): Promise<void> {
  const pid = child.proc.pid;
  if (pid === undefined || child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(detached ? -pid : pid, sig);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await child.exit;
  clearTimeout(timer);
  // A supervisor's children may outlive it by a moment; make sure the group is gone.
  if (detached) signal('SIGKILL');
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Polls `probe` every 100 ms until it returns true; throws after `timeoutMs`. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resident memory of a process from /proc/<pid>/status, in bytes (0 when it is gone). */
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

/** Direct children of `ppid` with their command lines. */
export async function childrenOf(ppid: number): Promise<{ pid: number; cmdline: string }[]> {
  const out: { pid: number; cmdline: string }[] = [];
  for (const entry of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await fs.readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Field 4 is the ppid; the command name (field 2) is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) !== ppid) continue;
    const cmdline = (await fs.readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ');
    out.push({ pid: Number(entry), cmdline });
  }
  return out;
}

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
  if (hex.length === 8) return (hex.match(/../g) ?? []).map((b) => parseInt(b, 16)).reverse().join('.');
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
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
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
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, busy: user + nice + system + irq + softirq, steal, tree };
}
