/**
 * A client's multipart upload, read part by part as it arrives (busboy), so a file part reaches
 * the upstream while the client is still sending it and the proxy never holds the whole file:
 * a file part's stream is read only as fast as the upstream takes it. The size limit is enforced
 * by the request guard while the body is read; its error ends the form.
 *
 * One case needs a file to wait: a `/v1/…` call whose `model` field comes after the file (the
 * OpenAI SDKs write fields in the caller's order). The target is unknown until the model is, so
 * such a file is spooled to a temporary file on disk (bounded by the body limit, never in
 * memory) and replayed from there (docs/azure-front.md, "Uploads").
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy, type BusboyFileStream } from '@fastify/busboy';
import { InvalidBodyError } from '../errors.js';

/** One part of the form: a text field, or a file with its stream. */
export type FormPart =
  | { kind: 'field'; name: string; value: string }
  | { kind: 'file'; name: string; filename: string; contentType: string; stream: Readable };

// Enough for any OpenAI multipart call (a few files, a few dozen fields); text fields stay small.
const LIMITS = { fieldSize: 1024 * 1024, fields: 200, files: 20, parts: 220 };

/** The parts of one multipart request body, in order. */
export class MultipartForm {
  readonly #parts: FormPart[] = [];
  readonly #replay: FormPart[] = [];
  #waiter: (() => void) | undefined;
  #finished = false;
  #failure: Error | undefined;
  #current: BusboyFileStream | undefined;
  #spoolDir: string | undefined;
  #spooled = 0;
  readonly #stopReading: () => void;
  /** Fields read so far (for the token estimate of an admission). */
  readonly fields: Record<string, string> = {};

  /** Starts reading `source`, a `multipart/form-data` body with `contentType` naming its boundary. */
  constructor(source: Readable, contentType: string) {
    let parser;
    try {
      parser = Busboy({ headers: { 'content-type': contentType }, limits: LIMITS });
    } catch {
      throw new InvalidBodyError('The request body must be multipart/form-data with a boundary.');
    }
    parser.on('field', (name, value, _nameTruncated, valueTruncated) => {
      if (valueTruncated) return this.#fail(new InvalidBodyError(`The form field "${name}" is too large.`));
      this.fields[name] = value;
      this.#push({ kind: 'field', name, value });
    });
    parser.on('file', (name, stream, filename, _encoding, mimeType) => {
      this.#current = stream;
      stream.once('end', () => {
        if (this.#current === stream) this.#current = undefined;
      });
      this.#push({ kind: 'file', name, filename, contentType: mimeType || 'application/octet-stream', stream });
    });
    parser.once('finish', () => {
      this.#finished = true;
      this.#wake();
    });
    parser.once('error', (err: unknown) =>
      this.#fail(
        new InvalidBodyError(`The multipart body is malformed: ${err instanceof Error ? err.message : String(err)}`),
      ),
    );
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
      parser.once(limit, () => this.#fail(new InvalidBodyError('The form has too many parts.')));
    }
    // The request guard's byte counter fails the source at the body limit (a 413); any other
    // failure of the source is the client's connection breaking off.
    source.once('error', (err: Error) =>
      this.#fail(
        typeof (err as { statusCode?: unknown }).statusCode === 'number'
          ? err
          : new InvalidBodyError('The upload was interrupted.'),
      ),
    );
    source.pipe(parser);
    this.#stopReading = () => {
      source.unpipe(parser);
      source.pause();
    };
  }

  /** Why reading the form failed (the body limit, a malformed body), if it did. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** The next part, or undefined at the end; throws once the form failed. */
  async next(): Promise<FormPart | undefined> {
    const replayed = this.#replay.shift();
    if (replayed) return replayed;
    for (;;) {
      if (this.#failure) throw this.#failure;
      const part = this.#parts.shift();
      if (part) return part;
      if (this.#finished) return undefined;
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }

  /**
   * Reads ahead to the field `name` and returns its value (undefined when the form has none);
   * every part read on the way is kept for `next()`, files spooled to disk.
   */
  async lookahead(name: string): Promise<string | undefined> {
    const seen: FormPart[] = [];
    try {
      for (;;) {
        const part = await this.next();
        if (!part) return undefined;
        if (part.kind === 'field') {
          seen.push(part);
          if (part.name === name) return part.value;
        } else {
          seen.push(await this.#spool(part));
        }
      }
    } finally {
      this.#replay.unshift(...seen);
    }
  }

  /**
   * Stops reading the client's body and removes spooled files. What is left of an upload is not
   * drained: the answer closes the connection instead (request-guard.ts).
   */
  async dispose(): Promise<void> {
    this.#stopReading();
    this.#current?.destroy();
    for (const part of [...this.#replay, ...this.#parts]) if (part.kind === 'file') part.stream.destroy();
    if (this.#spoolDir) await rm(this.#spoolDir, { recursive: true, force: true });
  }

  async #spool(part: Extract<FormPart, { kind: 'file' }>): Promise<FormPart> {
    this.#spoolDir ??= await mkdtemp(path.join(os.tmpdir(), 'gw-upload-'));
    const file = path.join(this.#spoolDir, `part-${this.#spooled++}`);
    await pipeline(part.stream, createWriteStream(file, { mode: 0o600 }));
    if (this.#failure) throw this.#failure;
    const replay = createReadStream(file);
    // Gone as soon as it has been replayed, not only when the request ends.
    replay.once('close', () => void rm(file, { force: true }));
    return { ...part, stream: replay };
  }

  #push(part: FormPart): void {
    this.#parts.push(part);
    this.#wake();
  }

  #fail(err: Error): void {
    if (this.#failure) return;
    this.#failure = err;
    // A file being read would otherwise wait for bytes that never come.
    this.#current?.destroy(err);
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}
