/**
 * What every public request passes before a handler runs: the body limit (by declared length
 * up front, and by counting bytes as a chunked body arrives, so an oversized upload is cut off
 * early rather than read whole) and client authentication.
 */
import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiKeyEntry } from '../../common/config/schema.js';
import {
  BodyTooLargeError,
  HealthKeyOnlyError,
  InvalidKeyError,
  KeyDisabledError,
  KeyExpiredError,
  MissingKeyError,
} from '../errors.js';
import { CADDY_BODY_HEADROOM_BYTES } from '../../common/runtime-env.js';
import { drainUnreadBody } from './body-drain.js';
import { presentedKey, type Caller } from './client-auth.js';
import { bodyLimitOf, snapshotOf, type ConfigSnapshot } from '../snapshot.js';
import type { ProxyRuntime } from '../runtime.js';

/** An unread upload is drained for at most this long before the connection is closed. */
const DRAIN_MAX_MS = 10_000;

/** Counts body bytes and fails the stream as soon as `limit` is passed. */
class BodyLimitCounter extends Transform {
  receivedEncodedLength = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.receivedEncodedLength += chunk.length;
    if (this.receivedEncodedLength > this.limit) return done(new BodyTooLargeError(String(this.limit)));
    done(null, chunk);
  }
}

/** Registers the body-limit and authentication hooks on the public app. */
export function registerRequestGuard(
  app: FastifyInstance,
  runtime: ProxyRuntime,
  envBodyLimit: number | undefined,
): void {
  app.decorateRequest('caller', undefined);
  app.addHook('onRequest', async (req: FastifyRequest, reply) => {
    void reply.header('x-request-id', req.id);
    const snap = snapshotOf(req, runtime);
    const limit = bodyLimitOf(snap.config, envBodyLimit);
    if (Number(req.headers['content-length'] ?? 0) > limit) throw new BodyTooLargeError(String(limit));
    req.caller = authenticate(snap, presentedKey(req.headers));
  });
  // An answer sent before the body was read (401, 413…) must neither leave the rest of the upload
  // in the connection (parked: Caddy would reuse it for another client's request, which would
  // wait for an answer that never comes) nor close it unread (reset: Caddy, still writing, would
  // answer 502). The rest is read and discarded, up to what Caddy forwards at most (a declared
  // length beyond it too: Caddy forwards that much before it refuses the body itself).
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.raw.complete) return payload;
    const maxBytes = bodyLimitOf(snapshotOf(req, runtime).config, envBodyLimit) + CADDY_BODY_HEADROOM_BYTES;
    // Fastify closes the connection after any body-parser error (the chunked 413 included)
    // "as the client may send more data": the drain reads that data instead.
    drainUnreadBody(req.raw, { maxBytes, maxMs: DRAIN_MAX_MS });
    reply.removeHeader('connection');
    return payload;
  });
  app.addHook('preParsing', async (req, _reply, payload) =>
    payload.pipe(new BodyLimitCounter(bodyLimitOf(snapshotOf(req, runtime).config, envBodyLimit))),
  );
}

/** Who presented `key`: a missing, unknown, disabled or expired key is a 401. */
export function authenticate(snap: ConfigSnapshot, key: string | undefined): Caller {
  if (!key) throw new MissingKeyError();
  const caller = snap.keys.identify(key);
  if (!caller) throw new InvalidKeyError();
  if (caller.kind === 'client' && caller.entry.status !== 'active') throw new KeyDisabledError();
  if (
    caller.kind === 'client' &&
    caller.entry.expiresAt !== undefined &&
    Date.parse(caller.entry.expiresAt) <= Date.now()
  ) {
    throw new KeyExpiredError(caller.entry.expiresAt);
  }
  return caller;
}

/** The client key a request past the guard was made with; the health key may only call /healthz and /readyz. */
export function clientKeyOf(req: { caller?: Caller }): ApiKeyEntry {
  const caller = req.caller;
  if (!caller || caller.kind !== 'client') throw new HealthKeyOnlyError();
  return caller.entry;
}

/** True when `key` may use the model `modelId` (its `models` allow-list, when it has one). */
export function mayUseModel(key: ApiKeyEntry, modelId: string): boolean {
  return !key.models || key.models.includes(modelId);
}
