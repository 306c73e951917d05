// The Files API of one simulated resource: upload (multipart `purpose` + `file`), list, retrieve,
// content, delete — Foundry v1 (`/openai/v1/files…`) and classic (`/openai/files…?api-version=`).
// As on Azure, a file exists only on the resource that stored it: another simulator instance
// answers 404 for it, which is what affinity tests need.
// https://learn.microsoft.com/azure/ai-foundry/openai/how-to/batch
import { newId, nowSeconds } from './content.js';
import { invalidRequestError } from './errors.js';
import type { SimForm } from './multipart.js';
import { errorReply, type SimReply } from './reply.js';

/** A stored file: its object as the API shows it, and its bytes. */
export interface StoredFile {
  object: Record<string, unknown>;
  data: Buffer;
}

const FILES = /^\/openai\/(v1\/)?files(?:\/([A-Za-z0-9_.-]+)(\/content)?)?$/;
const PURPOSES = new Set(['assistants', 'batch', 'fine-tune', 'evals', 'vision', 'user_data']);

function notFound(id: string): SimReply {
  return {
    kind: 'json',
    status: 404,
    body: { error: { code: 'fileNotFound', message: `File with id '${id}' was not found.` } },
    tokens: 0,
  };
}

/** The files one simulator instance holds. */
export class SimFiles {
  private readonly byId = new Map<string, StoredFile>();

  /** True when `method path` is a Files API route (classic paths need an api-version, as on Azure). */
  matches(method: string, rawUrl: string): boolean {
    const url = new URL(rawUrl, 'http://sim.invalid');
    const m = FILES.exec(url.pathname);
    return (
      !!m && (m[1] !== undefined || url.searchParams.has('api-version')) && ['GET', 'POST', 'DELETE'].includes(method)
    );
  }

  /** Stores a file made by the resource itself (a batch's output), returning its object. */
  add(filename: string, purpose: string, data: Buffer): Record<string, unknown> {
    const object = {
      bytes: data.length,
      created_at: nowSeconds(),
      filename,
      id: newId('file-', 16),
      object: 'file',
      purpose,
      status: 'processed',
      status_details: null,
    };
    this.byId.set(object.id, { object, data });
    return object;
  }

  /** The stored file `id`, if any. */
  get(id: string): StoredFile | undefined {
    return this.byId.get(id);
  }

  /** Answers an upload. */
  upload(form: SimForm): SimReply {
    const purpose = form.fields.purpose;
    if (purpose === undefined || !PURPOSES.has(purpose))
      return errorReply(invalidRequestError(`Invalid value for purpose: ${String(purpose)}.`, 'purpose'));
    const file = form.files.find((f) => f.field === 'file');
    if (!file || !file.data) return errorReply(invalidRequestError("'file' is a required property", 'file'));
    if (purpose === 'batch' && !file.filename.endsWith('.jsonl'))
      return errorReply(invalidRequestError('A batch input file must be a .jsonl file.', 'file'));
    return { kind: 'json', status: 200, body: this.add(file.filename, purpose, file.data), tokens: 0 };
  }

  /** Answers list, retrieve, content and delete. */
  handle(method: string, rawUrl: string): SimReply {
    const url = new URL(rawUrl, 'http://sim.invalid');
    const m = FILES.exec(url.pathname);
    const id = m?.[2];
    if (id === undefined) {
      const purpose = url.searchParams.get('purpose');
      const data = [...this.byId.values()]
        .map((f) => f.object)
        .filter((o) => purpose === null || o.purpose === purpose);
      return {
        kind: 'json',
        status: 200,
        body: {
          data,
          first_id: data[0]?.id ?? null,
          has_more: false,
          last_id: data.at(-1)?.id ?? null,
          object: 'list',
        },
        tokens: 0,
      };
    }
    const stored = this.byId.get(id);
    if (!stored) return notFound(id);
    if (m?.[3]) return { kind: 'bytes', contentType: 'application/octet-stream', chunks: [stored.data], tokens: 0 };
    if (method === 'DELETE') {
      this.byId.delete(id);
      return { kind: 'json', status: 200, body: { deleted: true, id, object: 'file' }, tokens: 0 };
    }
    return { kind: 'json', status: 200, body: stored.object, tokens: 0 };
  }
}
