// Multipart request bodies (audio, image edits, file uploads) read as they arrive with busboy:
// text fields are kept, file parts are counted and hashed (so a test can check that every byte
// arrived), and kept whole only where Azure would store them (Files API uploads).
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Busboy } from '@fastify/busboy';

/** One file part as the simulator received it. */
export interface SimFile {
  field: string;
  filename: string;
  contentType: string;
  size: number;
  /** Hex SHA-256 of the part's bytes. */
  sha256: string;
  /** The bytes, when the endpoint stores them. */
  data?: Buffer;
}

/** A parsed multipart body. */
export interface SimForm {
  fields: Record<string, string>;
  files: SimFile[];
}

/** True when the request carries a multipart/form-data body. */
export function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '');
}

/** Reads the whole form; `keepData` keeps file bytes (Files API), otherwise only size and hash. */
export function readForm(req: IncomingMessage, keepData: boolean): Promise<SimForm> {
  return new Promise((resolve, reject) => {
    const form: SimForm = { fields: {}, files: [] };
    const parser = Busboy({
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      limits: { fieldSize: 1024 * 1024 },
    });
    parser.on('field', (name, value) => {
      form.fields[name] = value;
    });
    parser.on('file', (field, stream, filename, _encoding, mimeType) => {
      const hash = createHash('sha256');
      const kept: Buffer[] = [];
      const file: SimFile = { field, filename, contentType: mimeType, size: 0, sha256: '' };
      form.files.push(file);
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
        hash.update(chunk);
        if (keepData) kept.push(chunk);
      });
      stream.once('end', () => {
        file.sha256 = hash.digest('hex');
        if (keepData) file.data = Buffer.concat(kept);
      });
    });
    parser.once('finish', () => resolve(form));
    parser.once('error', reject);
    req.once('error', reject);
    req.pipe(parser);
  });
}
