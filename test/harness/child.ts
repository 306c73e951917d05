/**
 * Child processes for tests and tools: spawned with stdout and stderr in a log file (a real file
 * descriptor: supervisord's children need one, pipes are not enough), an `exit` promise, the tail
 * of the log for error messages, and a stop that escalates from SIGTERM to SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, promises as fs } from 'node:fs';
import { distFile } from './paths.js';

/** A child process started by `startChild`. */
export interface Child {
  name: string;
  proc: ChildProcess;
  logFile: string;
  /** Own process group (a supervisor tree is signalled as a whole). */
  detached: boolean;
  /** The exit code (null after a signal, -1 when it could not start). */
  exit: Promise<number | null>;
  /** The last `chars` characters of its log, for error messages. */
  tail(chars?: number): Promise<string>;
  /** Everything it has written so far. */
  output(): Promise<string>;
}

/** Options of `startChild`. */
export interface StartChildOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  logFile: string;
  /** Own process group (for a supervisor tree stopped as a whole). */
  detached?: boolean;
}

/** Spawns a process whose stdout and stderr go to `logFile`. */
export function startChild(opts: StartChildOptions): Child {
  const fd = openSync(opts.logFile, 'a');
  const detached = opts.detached ?? false;
  const proc = spawn(opts.command, opts.args, { env: opts.env, stdio: ['ignore', fd, fd], detached });
  closeSync(fd);
  const exit = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => resolve(code));
    proc.once('error', () => resolve(-1));
  });
  const output = () => fs.readFile(opts.logFile, 'utf8').catch(() => '');
  const tail = async (chars = 3000) => (await output()).slice(-chars);
  return { name: opts.name, proc, logFile: opts.logFile, detached, exit, tail, output };
}

/** Options of `startService`: a compiled entry point of this repository run on this Node. */
export interface StartServiceOptions {
  name: string;
  /** Relative to dist/, e.g. `proxy/main.js`. */
  main: string;
  env: Record<string, string | undefined>;
  logFile: string;
  /** Node flags before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** A command Node runs under, with its arguments (e.g. valgrind's), Node's path appended. */
  launcher?: string[];
}

/** Starts `node dist/<main>` on the pinned Node that runs this process (what supervisord does with NODE_BIN). */
export function startService(opts: StartServiceOptions): Child {
  const [command, ...args] = [
    ...(opts.launcher ?? []),
    process.execPath,
    ...(opts.nodeArgs ?? []),
    distFile(opts.main),
  ];
  return startChild({ name: opts.name, command: command!, args, env: opts.env, logFile: opts.logFile });
}

/** True while the child has neither exited nor been killed by a signal. */
export function isRunning(child: Child): boolean {
  return child.proc.exitCode === null && child.proc.signalCode === null;
}

/** Sends `signal` to the child (to its whole group when detached); a child already gone is ignored. */
export function signalChild(child: Child, signal: NodeJS.Signals): void {
  const pid = child.proc.pid;
  if (pid === undefined) return;
  try {
    process.kill(child.detached ? -pid : pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops a child: SIGTERM, SIGKILL after `graceMs` (its `exit` promise tells how it ended). */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.proc.pid === undefined || !isRunning(child)) return;
  signalChild(child, 'SIGTERM');
  const timer = setTimeout(() => signalChild(child, 'SIGKILL'), graceMs);
  await child.exit;
  clearTimeout(timer);
  // A supervisor's children may outlive it by a moment; make sure the group is gone.
  if (child.detached) signalChild(child, 'SIGKILL');
}

/** Waits for `ready`, failing at once (with the log's tail) if the child exits first. */
export async function readyOrExit<T>(child: Child, ready: Promise<T>): Promise<T> {
  return Promise.race([
    ready,
    child.exit.then(async (code) => {
      throw new Error(`${child.name} exited with ${code} at start:\n${await child.tail()}`);
    }),
  ]);
}
