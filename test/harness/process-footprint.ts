/**
 * What a process tree holds open, read from Linux's /proc: the TCP ports it listens on, the Unix
 * socket paths it bound and the files it has open. Used to show that two stacks share nothing.
 */
import { promises as fs } from 'node:fs';
import { statFields } from './proc-stat.js';

/** Ports, socket paths and file paths held by a process tree. */
export interface Footprint {
  pids: number[];
  listeningPorts: number[];
  unixSockets: string[];
  files: string[];
}

async function childrenOf(): Promise<Map<number, number[]>> {
  const children = new Map<number, number[]>();
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await fs.readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(statFields(stat)[1]);
    if (!Number.isInteger(ppid)) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  return children;
}

async function treeOf(root: number): Promise<number[]> {
  const children = await childrenOf();
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Socket inode → listening TCP port, from /proc/net/tcp and tcp6 (state 0A is LISTEN). */
async function listeningInodes(): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [local, state, inode] = [cols[1], cols[3], cols[9]];
      if (state !== '0A' || !local || !inode) continue;
      map.set(inode, parseInt(local.slice(local.lastIndexOf(':') + 1), 16));
    }
  }
  return map;
}

/** Socket inode → bound path, from /proc/net/unix. */
async function unixInodes(): Promise<Map<string, string>> {
  const map = new Map<string, string>();
  const text = await fs.readFile('/proc/net/unix', 'utf8');
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[6] && cols[7]?.startsWith('/')) map.set(cols[6], cols[7]);
  }
  return map;
}

/** The footprint of `root` and all its descendants at this moment. */
export async function footprint(root: number): Promise<Footprint> {
  const pids = await treeOf(root);
  const [tcp, unix] = [await listeningInodes(), await unixInodes()];
  const ports = new Set<number>();
  const sockets = new Set<string>();
  const files = new Set<string>();
  for (const pid of pids) {
    const fds = await fs.readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await fs.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined) {
        const port = tcp.get(inode);
        if (port !== undefined) ports.add(port);
        const socketPath = unix.get(inode);
        if (socketPath !== undefined) sockets.add(socketPath);
      } else if (target.startsWith('/')) files.add(target.replace(/ \(deleted\)$/, ''));
    }
  }
  const sorted = <T>(s: Set<T>) => [...s].sort();
  return {
    pids,
    listeningPorts: [...ports].sort((a, b) => a - b),
    unixSockets: sorted(sockets),
    files: sorted(files),
  };
}
