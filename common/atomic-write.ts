/**
 * Crash-safe file replacement: write a temp file in the same directory, fsync it, rename it over
 * the target, fsync the directory. A reader sees the old file or the new one, never a torn one.
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

/** Replaces `file` with `data` atomically. */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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

async function copyIfExists(from: string, to: string, mode: number | undefined): Promise<void> {
  try {
    await fs.copyFile(from, to);
    if (mode !== undefined) await fs.chmod(to, mode).catch(() => undefined);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
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
