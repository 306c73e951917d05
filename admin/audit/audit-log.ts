/**
 * The audit log: DATA_DIR/audit.log, one JSON line per admin change, login and failed login,
 * appended (0600) on the hash chain of chain.ts. Appends are serialised, so two requests never
 * write the same link. The log is append-only by design: nothing here rewrites or trims it.
 */
import { promises as fs } from 'node:fs';
import { GENESIS, seal, verifyChain, type AuditEntry, type AuditRecord, type ChainStatus } from './chain.js';

/** What a caller records; sequence, time and links are added here. */
export type AuditInput = Omit<AuditRecord, 'seq' | 'at'>;

/** The audit log of one admin service. */
export class AuditLog {
  private tail: Promise<void> = Promise.resolve();
  private lastHash = GENESIS;
  private seq = 0;
  private brokenBeforeStart: ChainStatus | undefined;

  private opened: Promise<void> | undefined;

  constructor(
    readonly file: string,
    private readonly log: { error(obj: object, msg: string): void },
  ) {}

  // Continues the chain of the file as it is (a broken chain is reported; new entries still link to its last line).
  private open(): Promise<void> {
    this.opened ??= (async () => {
      const text = await fs.readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return '';
        throw err;
      });
      const status = verifyChain(text);
      if (!status.intact) {
        this.brokenBeforeStart = status;
        this.log.error({ line: status.brokenAt, reason: status.reason }, 'the audit log chain is broken');
      }
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      let last: Partial<AuditEntry> | undefined;
      try {
        last = lines.length ? (JSON.parse(lines[lines.length - 1]!) as Partial<AuditEntry>) : undefined;
      } catch {
        last = undefined;
      }
      this.lastHash = typeof last?.hash === 'string' ? last.hash : GENESIS;
      this.seq = typeof last?.seq === 'number' ? last.seq : 0;
    })();
    return this.opened;
  }

  /** Appends one entry; resolves once it is on disk (a failure is logged, never thrown at the request). */
  append(input: AuditInput): Promise<void> {
    const run = this.tail.then(async () => {
      await this.open();
      const entry = seal({ seq: this.seq + 1, at: new Date().toISOString(), ...input }, this.lastHash);
      const handle = await fs.open(this.file, 'a', 0o600);
      try {
        await handle.appendFile(`${JSON.stringify(entry)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.seq = entry.seq;
      this.lastHash = entry.hash;
    });
    this.tail = run.catch((err: unknown) =>
      this.log.error(
        { err: err instanceof Error ? err.message : String(err), action: input.action },
        'could not write the audit log',
      ),
    );
    return this.tail;
  }

  /** The newest `limit` entries, newest first, and whether the whole chain is intact. */
  async read(limit: number): Promise<{ entries: AuditEntry[]; chain: ChainStatus }> {
    await this.tail;
    await this.open().catch(() => undefined);
    const text = await fs.readFile(this.file, 'utf8').catch(() => '');
    const chain = verifyChain(text);
    const entries: AuditEntry[] = [];
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    for (let i = lines.length - 1; i >= 0 && entries.length < limit; i--) {
      try {
        entries.push(JSON.parse(lines[i]!) as AuditEntry);
      } catch {
        // A broken line is reported by the chain status; the rest are still listed.
      }
    }
    return { entries, chain: this.brokenBeforeStart && chain.intact ? this.brokenBeforeStart : chain };
  }
}
