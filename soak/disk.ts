/**
 * A small tmpfs under DATA_DIR so that "disk full" is real (ENOSPC from the kernel), not a
 * read-only directory, which root ignores (docs/development.md, "Fault tests"). The
 * filler file takes all but a chosen number of bytes; removing it frees the space again.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The mounted filesystem, or why there is none. */
export type TinyDisk =
  { mounted: true; dir: string; sizeBytes: number } | { mounted: false; dir: string; reason: string };

const FILLER = '.soak-filler';

/** Mounts a tmpfs of `sizeBytes` on `dir` (created empty); never throws. */
export async function mountTinyDisk(dir: string, sizeBytes: number): Promise<TinyDisk> {
  await fs.mkdir(dir, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0755`, 'soak-data', dir], { timeout: 10_000 });
    const st = await fs.statfs(dir);
    return { mounted: true, dir, sizeBytes: st.blocks * st.bsize };
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    return { mounted: false, dir, reason: `mount -t tmpfs failed: ${(e.stderr || e.message || String(err)).trim()}` };
  }
}

/** Free bytes for an unprivileged writer, as statfs reports them. */
export async function freeBytes(dir: string): Promise<number> {
  const st = await fs.statfs(dir);
  return st.bavail * st.bsize;
}

/** Writes a filler file so that only about `leaveBytes` stay free; returns the bytes left free. */
export async function fillDisk(dir: string, leaveBytes: number): Promise<number> {
  const file = path.join(dir, FILLER);
  const handle = await fs.open(file, 'a');
  try {
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    // Bounded: at most as many writes as the disk has room for, plus one that hits ENOSPC.
    for (let i = 0; i < 1_000_000; i++) {
      const free = await freeBytes(dir);
      const want = free - leaveBytes;
      if (want <= 0) break;
      try {
        await handle.write(chunk, 0, Math.min(chunk.length, want));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
  } finally {
    await handle.close();
  }
  return freeBytes(dir);
}

/** Removes the filler file. */
export async function unfillDisk(dir: string): Promise<void> {
  await fs.rm(path.join(dir, FILLER), { force: true });
}

/** Unmounts (lazily if busy); never throws. */
export async function unmountTinyDisk(disk: TinyDisk): Promise<void> {
  if (!disk.mounted) return;
  await unfillDisk(disk.dir).catch(() => undefined);
  await run('umount', [disk.dir], { timeout: 10_000 }).catch(() =>
    run('umount', ['-l', disk.dir], { timeout: 10_000 }).catch(() => undefined),
  );
}
