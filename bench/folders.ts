/** A bench's temporary folder, and the fresh folder inside it that each process it starts gets. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchFolders {
  /** The temporary folder, for the caller to remove when done. */
  dir: string;
  /** Makes `dir/name` (and returns its path). */
  sub(name: string): Promise<string>;
}

/** A new temporary folder named from `prefix`. */
export async function benchFolders(prefix: string): Promise<BenchFolders> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return {
    dir,
    async sub(name) {
      const d = path.join(dir, name);
      await fs.mkdir(d, { recursive: true });
      return d;
    },
  };
}
