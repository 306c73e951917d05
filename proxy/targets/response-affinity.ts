/**
 * Which target produced each Responses API response (`resp_…`). Azure can continue, fetch,
 * cancel or delete a response only on the resource that made it, so follow-ups must go back
 * there. Bounded (oldest forgotten first), expires with Azure's 30-day retention, and persisted
 * in DATA_DIR so a restart does not break conversations. A second map of the same kind pins
 * uploaded files and batches (`file-…`, `batch_…`) to their resource and the key that made them.
 */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '../../common/atomic-write.js';

/** Where a response lives. */
export interface AffinityEntry {
  upstream: string;
  /** Empty for files and batches, which belong to the resource, not to a deployment. */
  deployment: string;
  model: string;
  /** The key id that created a file or batch: only it may use the id. */
  owner?: string;
  at: number;
}

/** Azure keeps stored responses for 30 days. */
export const AFFINITY_TTL_MS = 30 * 24 * 3600_000;
export const AFFINITY_MAX_ENTRIES = 100_000;
const FILE_VERSION = 1;

interface Logger {
  warn(obj: object, msg: string): void;
}

function isEntry(v: unknown): v is AffinityEntry {
  if (!v || typeof v !== 'object') return false;
  const e = v as Record<string, unknown>;
  return (
    typeof e.upstream === 'string' &&
    typeof e.deployment === 'string' &&
    typeof e.model === 'string' &&
    typeof e.at === 'number' &&
    (e.owner === undefined || typeof e.owner === 'string')
  );
}

/** Response id → target, with an LRU bound. */
export class ResponseAffinity {
  private readonly entries = new Map<string, AffinityEntry>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly maxEntries = AFFINITY_MAX_ENTRIES,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = AFFINITY_TTL_MS,
  ) {}

  /** Remembers that `id` was produced by this target. */
  remember(id: string, entry: Omit<AffinityEntry, 'at'>): void {
    this.entries.delete(id);
    this.entries.set(id, { ...entry, at: this.now() });
    this.dirty = true;
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Where `id` lives, if known and not expired. */
  lookup(id: string): AffinityEntry | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (this.now() - e.at > this.ttlMs) {
      this.entries.delete(id);
      return undefined;
    }
    return e;
  }

  /** `lookup` as the shared-state interface asks it (docs/shared-state.md). */
  find(id: string): Promise<AffinityEntry | undefined> {
    return Promise.resolve(this.lookup(id));
  }

  /** Forgets `id` (after a successful DELETE). */
  forget(id: string): void {
    if (this.entries.delete(id)) this.dirty = true;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Loads a persisted file; a missing or unreadable one starts empty (logged). */
  async load(file: string, log: Logger): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        log.warn({ file, err: String(err) }, 'response affinity file unreadable; starting empty');
      return;
    }
    try {
      const parsed = JSON.parse(text) as { version?: unknown; entries?: unknown };
      if (parsed.version !== FILE_VERSION || !Array.isArray(parsed.entries)) throw new Error('unknown format');
      const cutoff = this.now() - this.ttlMs;
      for (const item of parsed.entries as unknown[]) {
        if (Array.isArray(item) && typeof item[0] === 'string' && isEntry(item[1]) && item[1].at > cutoff)
          this.entries.set(item[0], item[1]);
      }
    } catch (err) {
      log.warn({ file, err: String(err) }, 'response affinity file is corrupt; starting empty');
    }
  }

  /** Writes the map if it changed (atomic; never two writes at once). */
  async persist(file: string): Promise<void> {
    if (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    const text = JSON.stringify({ version: FILE_VERSION, entries: [...this.entries] });
    this.writing = writeFileAtomic(file, text).finally(() => {
      this.writing = undefined;
    });
    await this.writing;
  }

  /** Persists every `intervalMs` until `stop()`. */
  startAutoPersist(file: string, intervalMs: number, log: Logger): void {
    this.timer = setInterval(
      () =>
        this.persist(file).catch((err: unknown) =>
          log.warn({ err: String(err) }, 'persisting response affinity failed'),
        ),
      intervalMs,
    );
    this.timer.unref();
  }

  /** Stops the timer and writes once more. */
  async stop(file: string): Promise<void> {
    clearInterval(this.timer);
    await this.persist(file);
  }
}
