/**
 * `buildProxy()` returns the public, not-yet-listening Fastify app (what Caddy routes /v1/*,
 * /openai/*, /healthz and /readyz to); `buildInternal()` the loopback-only one for reload, stats and
 * metrics, which Caddy never routes ("loopback-only" is no protection behind Caddy: docs/architecture.md, "The proxy and its two listeners").
 */
import { randomUUID } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { openAIClientErrorHandler } from '../common/client-error-handler.js';
import { PROXY_MAX_HEADER_BYTES } from '../common/runtime-env.js';
import { openAIErrorHandler } from './error-handler.js';
import { NotFoundError } from './errors.js';
import { PARSER_HARD_LIMIT, createBodyBudget, registerJsonBody } from './access/json-body.js';
import type { BodyBudget } from './access/body-budget.js';
import { registerRequestGuard } from './access/request-guard.js';
import { CONNECTION_CHECK_INTERVAL_MS, applyReadTimeouts, proxyReadTimeouts } from './access/read-timeouts.js';
import { isLoopbackHostHeader } from '../common/loopback-host.js';
import { registerUsageAccounting } from './usage/accounting.js';
import { registerRateLimitHeaders } from './governance/admission.js';
import type { ProxyRuntime } from './runtime.js';
import { registerClientApi } from './routes/client-api.js';
import { registerRealtime } from './realtime/realtime-upgrade.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerInternalRoutes } from './routes/internal.js';
import type { LogRing } from './observe/log-ring.js';
import { Telemetry, closeTrace, registerTelemetry } from './telemetry/telemetry.js';
import { registerPromptLog } from './prompt-log/prompt-log.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The public app's OpenTelemetry switch (docs/telemetry.md). */
    telemetry?: Telemetry;
  }
}

/** Inputs of `buildProxy`. */
export interface ProxyAppOptions {
  runtime: ProxyRuntime;
  logger: FastifyBaseLogger;
  /** BODY_LIMIT from the environment (config wins over it). */
  envBodyLimit?: number;
  /** Caddy's upstream keep-alive; the proxy keeps idle connections 5 s longer (docs/architecture.md, "The proxy's keep-alive outlasts Caddy's"). */
  keepAliveTimeoutMs?: number;
  /** Heap that parsed bodies may hold together (default: a quarter of the V8 heap, json-body.ts). */
  bodyBudget?: BodyBudget;
  /** DATA_DIR, where the opt-in prompt log writes (absent: no prompt log). */
  dataDir?: string;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)
    ? incoming
    : `req_${randomUUID().replaceAll('-', '')}`;
}

/** The public data-plane app (not listening). */
export function buildProxy(opts: ProxyAppOptions): FastifyInstance {
  const { runtime } = opts;
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: PARSER_HARD_LIMIT,
    // Caddy connects from loopback; its X-Forwarded-For then gives the real client address.
    trustProxy: '127.0.0.1',
    keepAliveTimeout: (opts.keepAliveTimeoutMs ?? 120_000) + 5_000,
    // Reading the request is bounded like Caddy's read timeouts (read-timeouts.ts); responses
    // (streams) are bounded by the upstream timeouts, not the server.
    requestTimeout: proxyReadTimeouts(runtime.snapshot().config).requestTimeout,
    // The header limit is below Caddy's, so oversized headers are answered here, in OpenAI's shape.
    http: { connectionsCheckingInterval: CONNECTION_CHECK_INTERVAL_MS, maxHeaderSize: PROXY_MAX_HEADER_BYTES },
    return503OnClosing: true,
    clientErrorHandler: openAIClientErrorHandler,
  });
  applyReadTimeouts(app.server, runtime.snapshot().config);
  runtime.onSnapshot((snap) => applyReadTimeouts(app.server, snap.config));
  app.setErrorHandler(openAIErrorHandler);
  app.setNotFoundHandler((req) => {
    throw new NotFoundError(req.method, req.url.split('?')[0] ?? '');
  });

  app.decorateRequest('configSnapshot', undefined);
  // Off unless an exporter is configured; follows the config on reload; flushed on close.
  const telemetry = new Telemetry(opts.logger);
  // Accounting first: a request the guard refuses is counted too (and traced: its close handler
  // settles the trace).
  registerUsageAccounting(app, runtime, closeTrace);
  void telemetry.configure(runtime.snapshot().config.server.telemetry);
  runtime.onSnapshot((snap) => void telemetry.configure(snap.config.server.telemetry));
  app.decorate('telemetry', telemetry);
  app.addHook('onClose', () => telemetry.close());
  registerTelemetry(app, telemetry);
  registerJsonBody(app, runtime, {
    envBodyLimit: opts.envBodyLimit,
    budget: opts.bodyBudget ?? createBodyBudget(getHeapStatistics().heap_size_limit),
  });
  registerRequestGuard(app, runtime, opts.envBodyLimit);
  registerRateLimitHeaders(app);
  registerPromptLog(app, runtime, opts.dataDir);

  registerClientApi(app, runtime);
  registerRealtime(app, runtime);
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
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setErrorHandler(openAIErrorHandler);
  // Loopback is this listener's only protection: refuse browsers steered here by DNS rebinding.
  app.addHook('onRequest', async (req) => {
    if (!isLoopbackHostHeader(req.headers.host)) throw new NotFoundError(req.method, req.url.split('?')[0] ?? '');
  });
  registerInternalRoutes(app, opts.runtime, opts.logs);
  return app;
}
