/**
 * What the image runs, without a container engine: the files the Dockerfile's runtime stage copies
 * (and only those) laid out as in /app, the environment its ENV lines set (image paths mapped to
 * this machine's), programs run as an unprivileged user, and a DATA_DIR that looks like the Azure
 * Files share ACI mounts: a root-owned directory, modes 0777, chmod and chown accepted and ignored
 * (bindfs over a plain directory). Everything here runs as root, like the image's entry script.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { CADDY_BIN } from './caddy-process.js';
import { killStack, startStack, type Stack } from './stack.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../../..');
/** The unprivileged user the programs run as here (the image's `node` user does not exist on this machine). */
export const PROGRAM_USER = 'nobody';

/** One `COPY` of the stage the runtime image is built from. */
interface CopyLine {
  from: string | undefined;
  sources: string[];
  dest: string;
}

function dockerfileLines(): string[] {
  // Backslash continuations joined, comments dropped.
  return readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trimStart().startsWith('#'));
}

/** The lines of stage `name` (from its FROM to the next FROM). */
function stage(lines: string[], name: string): string[] {
  const start = lines.findIndex((l) => new RegExp(`^FROM \\S+ AS ${name}$`, 'i').test(l));
  if (start < 0) throw new Error(`no stage ${name} in the Dockerfile`);
  const end = lines.findIndex((l, i) => i > start && /^FROM /i.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function copies(lines: string[]): CopyLine[] {
  return lines
    .filter((l) => /^COPY /.test(l))
    .map((l) => {
      const words = l.split(/\s+/).slice(1);
      const from = words[0]?.startsWith('--from=') ? words.shift()?.slice('--from='.length) : undefined;
      const dest = words.pop() ?? '';
      return { from, sources: words, dest };
    });
}

/** The image's ENV as name → value (the base stage's, which every runtime target inherits). */
export function imageEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stage(dockerfileLines(), 'base').filter((l) => /^ENV /.test(l))) {
    for (const m of line.slice(4).matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

/** The HEALTHCHECK's command, as the image's shell would run it. */
export function healthcheckCommand(): string {
  const line = dockerfileLines().find((l) => /^HEALTHCHECK /.test(l));
  const cmd = line && /\sCMD\s+(.+)$/.exec(line)?.[1];
  if (!cmd) throw new Error('no HEALTHCHECK … CMD in the Dockerfile');
  return cmd;
}

/**
 * Lays out under `appDir` what the base stage copies into WORKDIR /app: the build stage's compiled
 * folders come from this checkout's dist/, the production dependencies are this checkout's
 * node_modules (linked), the rest are the checkout's files.
 */
export async function buildImageLayout(appDir: string): Promise<void> {
  const base = stage(dockerfileLines(), 'base');
  const workdir = base.find((l) => /^WORKDIR /.test(l))?.split(/\s+/)[1];
  if (workdir !== '/app') throw new Error(`the image's WORKDIR is ${workdir}, not /app`);
  await fs.mkdir(appDir, { recursive: true });
  for (const c of copies(base)) {
    for (const source of c.sources) {
      const target = path.join(appDir, c.dest.endsWith('/') ? path.join(c.dest, path.basename(source)) : c.dest);
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (c.from === 'deps' && source === '/app/node_modules')
        await fs.symlink(path.join(ROOT, 'node_modules'), target);
      else if (c.from === 'build' && source.startsWith('/src/dist/'))
        await fs.cp(path.join(ROOT, 'dist', source.slice('/src/dist/'.length)), target, { recursive: true });
      else if (c.from === undefined) await fs.cp(path.join(ROOT, source), target, { recursive: true });
      else throw new Error(`the test does not know how to lay out COPY --from=${c.from} ${source}`);
    }
  }
  // Readable by the program user, as the image's files are.
  await run('chmod', ['-R', 'a+rX', appDir]);
}

/** The image's environment with its paths mapped to this machine: /app → `appDir`, DATA_DIR and RUN_DIR as given. */
export function mappedImageEnv(appDir: string, dataDir: string, runDir: string): Record<string, string> {
  const env = imageEnvironment();
  const mapped: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    mapped[k] = v.startsWith('/app/') || v === '/app' ? path.join(appDir, v.slice('/app'.length)) : v;
  return { ...mapped, DATA_DIR: dataDir, RUN_DIR: runDir, NODE_BIN: process.execPath, CADDY_BIN, PROGRAM_USER };
}

/**
 * Mounts over `dir` a view of the root-owned directory `backing` as ACI mounts an Azure Files
 * share (`file_mode=0777,dir_mode=0777,uid=0,gid=0,noperm`): every mode shows as 0777, chown is
 * accepted and ignored (the entry script's `chown -R` changes nothing: the share stays
 * root-owned), and so is chmod. One difference: files the programs create show the program user
 * as owner rather than root, because bindfs lets the kernel check permissions, which would refuse
 * the program user a chmod of a root-owned file that `noperm` accepts.
 */
async function mountAzureFilesLike(backing: string, dir: string): Promise<void> {
  await fs.mkdir(backing, { recursive: true });
  await fs.mkdir(dir, { recursive: true });
  await run('bindfs', [
    '--perms=a=rwx',
    '--chown-ignore',
    '--chgrp-ignore',
    '--chmod-ignore',
    '-o',
    'allow_other',
    backing,
    dir,
  ]);
}

/** The uid of `user`. */
export async function uidOf(user: string): Promise<number> {
  return Number((await run('id', ['-u', user])).stdout.trim());
}

/** A stack started from the image's layout. */
export interface ImageStack {
  stack: Stack;
  appDir: string;
  dataDir: string;
  runDir: string;
}

/** Options of `startImageStack`. */
export interface ImageStackOptions {
  /** A config.json to put on the share before the start (none: init seeds one). */
  config?: unknown;
  /** SIMULATOR=1, as a demo would run the image. */
  simulator?: boolean;
}

/**
 * Lays out the image, mounts the share, starts the stack through the image's entry script and its
 * environment; everything is undone in t.after, last step first. The deviations from the image,
 * each because of this machine: free ports instead of 443/80 and the defaults, Caddy bound to
 * loopback, `nobody` instead of `node`, this checkout's Node and Caddy binaries.
 */
export async function startImageStack(t: TestContext, opts: ImageStackOptions = {}): Promise<ImageStack> {
  const undo: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const step of undo.reverse()) await step().catch(() => undefined);
  });
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-image-'));
  undo.push(() => fs.rm(base, { recursive: true, force: true }));
  await fs.chmod(base, 0o755);
  const appDir = path.join(base, 'app');
  await buildImageLayout(appDir);
  const dataDir = path.join(base, 'data');
  const runDir = path.join(base, 'run');
  await mountAzureFilesLike(path.join(base, 'share'), dataDir);
  undo.push(() => run('umount', ['--lazy', dataDir]));
  if (opts.config !== undefined) await fs.writeFile(path.join(dataDir, 'config.json'), JSON.stringify(opts.config));
  const env = { ...mappedImageEnv(appDir, dataDir, runDir), SIMULATOR: opts.simulator ? '1' : '0' };
  const stack = await startStack({ baseDir: base, appDir, env });
  undo.push(() => killStack(stack));
  return { stack, appDir, dataDir, runDir };
}
