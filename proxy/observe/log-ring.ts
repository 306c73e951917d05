/**
 * The last N log lines kept in memory, so the admin UI can show recent proxy logs without a
 * log file on the (SMB) data share. It is a pino destination: pino writes each JSON line here
 * as well as to stdout.
 */
import { Writable } from 'node:stream';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { level?: number; time?: number; msg?: string };

/** A bounded buffer of recent JSON log lines. */
export class LogRing extends Writable {
  private readonly lines: string[] = [];
  private next = 0;

  constructor(private readonly capacity = 2000) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      if (this.lines.length < this.capacity) this.lines.push(line);
      else this.lines[this.next] = line;
      this.next = (this.next + 1) % this.capacity;
    }
    done();
  }

  /** Recent lines, oldest first, filtered by minimum level and a text match. */
  recent(opts: { limit?: number; minLevel?: number; contains?: string } = {}): LogLine[] {
    const ordered =
      this.lines.length < this.capacity
        ? this.lines
        : [...this.lines.slice(this.next), ...this.lines.slice(0, this.next)];
    const out: LogLine[] = [];
    for (const raw of ordered) {
      if (opts.contains && !raw.includes(opts.contains)) continue;
      let parsed: LogLine;
      try {
        parsed = JSON.parse(raw) as LogLine;
      } catch {
        continue;
      }
      if (opts.minLevel !== undefined && (parsed.level ?? 0) < opts.minLevel) continue;
      out.push(parsed);
    }
    return out.slice(-(opts.limit ?? 200));
  }
}
