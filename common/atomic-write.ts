/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target, fsync the directory. A reader sees the old file or the new one, never a torn one.
 * The backup is replaced the same way, so a full disk cannot truncate it; temp files that a
 * killed writer left behind are removed at start by `removeOrphanedTempFiles`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  /** File mode for the new file (ignored by SMB shares such as Azure Files). */
  mode?: number;
  /** Keep the previous version as `<file>.bak` before replacing it. */
  backup?: boolean;
}

/** `.<name>.<pid>.<8 hex digits>.tmp`: the temp files written below, and only those. */
const TEMP_NAME = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

function tempNameFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Removes the temp files of writes that never finished (a writer killed mid-write) from `dir`;
 * returns their names. Only while nothing writes there: the init step, before the services start.
 */
export async function removeOrphanedTempFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !TEMP_NAME.test(entry.name)) continue;
    await fs.rm(path.join(dir, entry.name), { force: true });
    removed.push(entry.name);
  }
  return removed;
}

/** Replaces `file` with `data` atomically. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(file);
  const tmp = tempNameFor(file);
  const handle = await fs.open(tmp, 'w', opts.mode ?? 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    if (opts.backup) await copyIfExists(file, `${file}.bak`, opts.mode);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}

// The backup is written atomically too, so a copy that fails half-way (a full disk) leaves the
// old backup whole.
async function copyIfExists(from: string, to: string, mode: number | undefined): Promise<void> {
  let data: Buffer;
  try {
    data = await fs.readFile(from);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await writeFileAtomic(to, data, { mode });
}

// Directory fsync makes the rename durable on local disks; SMB and some filesystems refuse it.
async function syncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Not supported here (EISDIR/EINVAL/EPERM on some filesystems): the rename itself is atomic.
  } finally {
    await handle?.close();
  }
}
