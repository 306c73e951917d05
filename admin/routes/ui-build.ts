/**
 * The built UI held in memory as one versioned whole: every file of the build folder, and a
 * version hashed from all of their contents. The browser loads it under `/admin/build/<version>/`
 * and may keep it for a year without asking again, because the files under one version never
 * change: a rebuild makes a new version (with new URLs), and the old one is no longer served.
 * The folder is looked at again (sizes and modification times, no reading) whenever index.html is
 * asked for, so a rebuild shows up on the next page load.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** A file of the UI and its validator. */
export interface UiFile {
  body: Buffer;
  etag: string;
}

/** One build of the UI. */
export interface UiBuild {
  /** 16 hex digits of the hash of every file's path and content. */
  version: string;
  /** Files by path relative to the folder ('/'-separated); index.html with its asset URLs versioned. */
  files: Map<string, UiFile>;
}

/** The URL prefix of a build's files. */
export function buildPrefix(version: string): string {
  return `/admin/build/${version}/`;
}

/** A response validator of `body`. */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** The regular files below `dir`, sorted, each with what changes when it is rewritten. */
async function listing(dir: string): Promise<{ rel: string; stamp: string }[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
  const stamped = await Promise.all(
    files.map(async (rel) => {
      const st = await fs.stat(path.join(dir, rel));
      return { rel: rel.split(path.sep).join('/'), stamp: `${st.size}:${st.mtimeMs}` };
    }),
  );
  return stamped.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function readBuild(dir: string, rels: string[]): Promise<UiBuild> {
  const bodies = await Promise.all(rels.map((rel) => fs.readFile(path.join(dir, rel))));
  const hash = createHash('sha256');
  rels.forEach((rel, i) => hash.update(rel).update('\0').update(bodies[i]!).update('\0'));
  const version = hash.digest('hex').slice(0, 16);
  const files = new Map<string, UiFile>();
  rels.forEach((rel, i) => {
    let body = bodies[i]!;
    // The page's own references (stylesheet, entry script, icon) point into this build.
    if (rel === 'index.html')
      body = Buffer.from(body.toString('utf8').replaceAll('"/admin/assets/', `"${buildPrefix(version)}`));
    files.set(rel, { body, etag: etagOf(body) });
  });
  return { version, files };
}

/** The UI folder's current build, re-read when a file changed. */
export class UiBuilds {
  private last: { signature: string; build: UiBuild } | undefined;
  private pending: Promise<UiBuild | undefined> | undefined;

  constructor(private readonly dir: string) {}

  /** The build as the folder is now; undefined when there is no index.html. */
  current(): Promise<UiBuild | undefined> {
    // Concurrent page loads share one look at the folder.
    this.pending ??= this.look().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** The build last read, when it has `version` (no disk access: its files never change). */
  byVersion(version: string): UiBuild | undefined {
    return this.last?.build.version === version ? this.last.build : undefined;
  }

  private async look(): Promise<UiBuild | undefined> {
    const files = await listing(this.dir).catch(() => []);
    if (!files.some((f) => f.rel === 'index.html')) return undefined;
    const signature = files.map((f) => `${f.rel}=${f.stamp}`).join('\n');
    if (this.last?.signature === signature) return this.last.build;
    const build = await readBuild(
      this.dir,
      files.map((f) => f.rel),
    );
    this.last = { signature, build };
    return build;
  }
}
