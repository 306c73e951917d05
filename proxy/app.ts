/**
 * `buildProxy()` returns the public, not-yet-listening Fastify app (what Caddy routes /v1/*,
 * /healthz and /readyz to); `buildInternal()` the loopback-only one for reload, stats and
 * metrics, which Caddy never routes (DESIGN.md: "loopback-only" is no protection behind Caddy).
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { RouteKey } from '../common/config-schema.js';
import { openAIErrorHandler } from './error-handler.js';
import { BodyTooLargeError, InvalidKeyError, KeyDisabledError, MissingKeyError, NotFoundError } from './errors.js';
import { presentedKey } from './client-auth.js';
import { relay } from './relay.js';
import { bodyLimitOf } from './snapshot.js';
import type { ProxyRuntime } from './runtime.js';
import { registerModelRoutes } from './routes-models.js';
import { registerHealthRoutes } from './routes-health.js';
import { registerInternalRoutes } from './routes-internal.js';
import type { LogRing } from './log-ring.js';

/** Inputs of `buildProxy`. */
export interface ProxyAppOptions {
  runtime: ProxyRuntime;
  logger: FastifyBaseLogger;
  /** BODY_LIMIT from the environment (config wins over it). */
  envBodyLimit?: number;
  /** Caddy's upstream keep-alive; the proxy keeps idle connections 5 s longer (DESIGN.md). */
  keepAliveTimeoutMs?: number;
}

// The parser reads at most this much whatever the config says; the config's own limit is
// checked while reading, so it can change on reload without a restart.
const PARSER_HARD_LIMIT = 1_073_741_824;
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const POST_ROUTES: Record<string, RouteKey> = {
  '/v1/chat/completions': 'chat/completions',
  '/v1/responses': 'responses',
  '/v1/images/generations': 'images/generations',
  '/v1/embeddings': 'embeddings',
};

function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : `req_${randomUUID().replaceAll('-', '')}`;
}

/** The public data-plane app (not listening). */
export function buildProxy(opts: ProxyAppOptions): FastifyInstance {
  const { runtime } = opts;
  const app = Fastify({
    loggerInstance: opts.logger,
    disableRequestLogging: true,
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: PARSER_HARD_LIMIT,
    // Caddy connects from loopback; its X-Forwarded-For then gives the real client address.
    trustProxy: '127.0.0.1',
    keepAliveTimeout: (opts.keepAliveTimeoutMs ?? 120_000) + 5_000,
    // Streams can last many minutes; the upstream timeouts bound them, not the server.
    requestTimeout: 0,
    return503OnClosing: true,
  });
  app.setErrorHandler(openAIErrorHandler);
  app.setNotFoundHandler((req) => {
    throw new NotFoundError(req.method, req.url.split('?')[0] ?? '');
  });

  app.removeAllContentTypeParsers();
  const parseJson = (body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const limit = bodyLimitOf(runtime.snapshot().config, opts.envBodyLimit);
    if (body.length > limit) return done(new BodyTooLargeError(String(limit)));
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch (err) {
      const e = err as Error & { statusCode?: number };
      e.statusCode = 400;
      done(e);
    }
  };
  for (const type of ['application/json', /^application\/[a-z0-9.+-]+\+json$/]) {
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: PARSER_HARD_LIMIT }, (_req, body, done) => parseJson(body as Buffer, done));
  }

  app.decorateRequest('caller', undefined);
  // Reject an oversized body by its declared length before reading a byte of it.
  app.addHook('onRequest', async (req: FastifyRequest, reply) => {
    void reply.header('x-request-id', req.id);
    const declared = Number(req.headers['content-length'] ?? 0);
    const limit = bodyLimitOf(runtime.snapshot().config, opts.envBodyLimit);
    if (declared > limit) {
      void reply.header('connection', 'close');
      throw new BodyTooLargeError(String(limit));
    }
    const key = presentedKey(req.headers);
    if (!key) throw new MissingKeyError();
    const caller = runtime.snapshot().keys.identify(key);
    if (!caller) throw new InvalidKeyError();
    if (caller.kind === 'client' && caller.entry.status !== 'active') throw new KeyDisabledError();
    req.caller = caller;
  });

  for (const [url, route] of Object.entries(POST_ROUTES)) {
    app.post(url, (req, reply) => relay(runtime, route, req, reply));
  }
  registerModelRoutes(app, runtime);
  registerHealthRoutes(app, runtime);
  return app;
}

/** Inputs of `buildInternal`. */
export interface InternalAppOptions {
  runtime: ProxyRuntime;
  logger: FastifyBaseLogger;
  logs: LogRing;
}

/** The loopback-only internal app: reload, stats, targets, logs, Prometheus metrics. */
export function buildInternal(opts: InternalAppOptions): FastifyInstance {
  const app = Fastify({ loggerInstance: opts.logger, disableRequestLogging: true });
  app.setErrorHandler(openAIErrorHandler);
  registerInternalRoutes(app, opts.runtime, opts.logs);
  return app;
}
