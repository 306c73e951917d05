/**
 * The prompt log's files: one JSON line per call, in `prompts-YYYY-MM-DD.jsonl` (UTC day) under
 * its folder in DATA_DIR, folder 0700 and files 0600 (owner only), appended in order. Retention
 * removes files older than the maximum age, then the oldest ones while all of them together are
 * above the size limit (the current day's file last of all).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

const FILE = /^prompts-(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;
// Retention runs after this many bytes written (and once a new day's file starts), not per line.
const PRUNE_EVERY_BYTES = 1 << 20;

/** Limits the files are kept within. */
export interface Retention {
  maxAgeDays: number;
  maxTotalBytes: number;
}

/** The log's folder: appends and retention, one write at a time. */
export class PromptLogFiles {
  private chain: Promise<void> = Promise.resolve();
  private sincePrune = 0;
  private day = '';

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Appends `line` to the current day's file, then applies `retention` when it is due. */
  append(line: string, retention: Retention): Promise<void> {
    this.chain = this.chain
      .then(async () => {
        await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
        const day = new Date(this.now()).toISOString().slice(0, 10);
        const file = path.join(this.dir, `prompts-${day}.jsonl`);
        await fs.appendFile(file, `${line}\n`, { mode: 0o600 });
        this.sincePrune += Buffer.byteLength(line) + 1;
        if (day !== this.day || this.sincePrune >= PRUNE_EVERY_BYTES) {
          this.day = day;
          this.sincePrune = 0;
          await this.pruneNow(retention);
        }
      })
      .catch(() => undefined);
    return this.chain;
  }

  /** Applies `retention` now (at start and after a config change too). */
  prune(retention: Retention): Promise<void> {
    this.chain = this.chain.then(() => this.pruneNow(retention)).catch(() => undefined);
    return this.chain;
  }

  private async pruneNow(retention: Retention): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch {
      return;
    }
    const files: Array<{ name: string; day: string; size: number }> = [];
    for (const name of names) {
      const m = FILE.exec(name);
      if (!m) continue;
      const stat = await fs.stat(path.join(this.dir, name)).catch(() => undefined);
      if (stat) files.push({ name, day: m[1]!, size: stat.size });
    }
    // Oldest first; names sort by day.
    files.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    const oldestKept = new Date(this.now() - retention.maxAgeDays * DAY_MS).toISOString().slice(0, 10);
    let total = files.reduce((sum, f) => sum + f.size, 0);
    for (const [i, f] of files.entries()) {
      const last = i === files.length - 1;
      const tooOld = f.day < oldestKept;
      if (!tooOld && (total <= retention.maxTotalBytes || last)) continue;
      await fs.rm(path.join(this.dir, f.name), { force: true });
      total -= f.size;
    }
  }
}
