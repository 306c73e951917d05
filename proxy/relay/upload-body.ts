/**
 * A request body the proxy passes on as a stream (a multipart upload) instead of parsing it:
 * the request guard's byte counter fails it at the body limit, and that failure — not the broken
 * upstream request it causes — is what the client is told (413).
 */
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { UnsupportedMediaTypeError } from '../errors.js';

/** The client's body as a stream, with its content type and how reading it failed, if it did. */
export class UploadBody {
  #failure: Error | undefined;

  constructor(
    readonly stream: Readable,
    readonly contentType: string,
  ) {
    // Only the gateway's own errors (the body limit's 413) are the client's to hear; an error a
    // failed upstream request puts on the stream is reported as that upstream failure.
    stream.on('error', (err: Error) => {
      if (typeof (err as { statusCode?: unknown }).statusCode === 'number') this.#failure ??= err;
    });
  }

  /** Why reading the body failed (over the limit, the client gone), if it did. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Runs `call`; a failure caused by the body itself is reported as the body's error. */
  async send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw this.#failure ?? err;
    }
  }
}

/** The upload of a multipart route (the scope's parser hands the body on unread), else a 415. */
export function openUpload(request: FastifyRequest): UploadBody {
  const body = request.body;
  const type = request.headers['content-type'];
  if (!(body instanceof Readable) || typeof type !== 'string' || !/^multipart\/form-data\s*;/i.test(type)) {
    throw new UnsupportedMediaTypeError(String(type ?? ''));
  }
  return new UploadBody(body, type);
}
