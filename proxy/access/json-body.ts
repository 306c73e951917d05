/**
 * How the public app reads request bodies. JSON is scanned before it is parsed (json-shape.ts:
 * nesting, size of the object graph, duplicate top-level keys) and parsed only once its share of
 * the body budget is granted; the share is held until the response ends (body-budget.ts). Any
 * other content type is read and answered 415, so the connection stays usable.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  BodyTooLargeError,
  DuplicateKeyError,
  JsonTooComplexError,
  JsonTooDeepError,
  UnsupportedMediaTypeError,
  gatewayBusy,
} from '../errors.js';
import { bodyLimitOf, snapshotOf } from '../snapshot.js';
import type { ProxyRuntime } from '../runtime.js';
import { BodyBudget, BudgetWaitTimeoutError, type BudgetLease, type BudgetRequest } from './body-budget.js';
import { DEFAULT_JSON_LIMITS, parseEstimate, retainedEstimate, scanJson, type JsonShapeLimits } from './json-shape.js';

/**
 * The parsers read at most this much whatever the config says; the config's own limit is
 * enforced while reading by request-guard.ts, so it can change on reload without a restart.
 */
export const PARSER_HARD_LIMIT = 1_073_741_824;
/** How long a body may wait for room in the budget before the request is answered 503. */
export const BODY_BUDGET_WAIT_MS = 30_000;

declare module 'fastify' {
  interface FastifyRequest {
    /** The body's share of the budget, released when the response ends. */
    bodyLease?: BudgetLease;
    /** A share still being waited for. */
    bodyWait?: BudgetRequest;
    /** The response has ended (or the client left): no share may be taken any more. */
    responseClosed?: boolean;
  }
}

/** Options of `registerJsonBody`. */
export interface JsonBodyOptions {
  envBodyLimit: number | undefined;
  budget: BodyBudget;
  limits?: JsonShapeLimits;
}

/** A quarter of the heap, between 64 MiB and 1 GiB: room for the rest of the process to work. */
export function defaultBodyBudgetBytes(heapLimitBytes: number): number {
  return Math.min(1024 * 1024 * 1024, Math.max(64 * 1024 * 1024, Math.floor(heapLimitBytes / 4)));
}

function refusal(limit: 'depth' | 'containers' | 'topLevelKeys' | 'values', limits: JsonShapeLimits): Error {
  if (limit === 'depth') return new JsonTooDeepError(String(limits.maxDepth));
  if (limit === 'containers')
    return new JsonTooComplexError(limits.maxContainers.toLocaleString('en-US'), 'objects and arrays');
  if (limit === 'values')
    return new JsonTooComplexError(limits.maxValues.toLocaleString('en-US'), 'fields and array items');
  return new JsonTooComplexError(limits.maxTopLevelKeys.toLocaleString('en-US'), 'top-level fields');
}

function badRequest(err: Error): Error {
  return Object.assign(err, { statusCode: 400 });
}

/** Registers the content-type parsers and the hook that gives a body's share back. */
export function registerJsonBody(app: FastifyInstance, runtime: ProxyRuntime, opts: JsonBodyOptions): void {
  const limits = opts.limits ?? DEFAULT_JSON_LIMITS;
  app.decorateRequest('bodyLease', undefined);
  app.decorateRequest('bodyWait', undefined);
  app.decorateRequest('responseClosed', false);
  app.addHook('onRequest', async (req, reply) => {
    // 'close' comes exactly once, when the response has ended or the connection went away.
    reply.raw.once('close', () => {
      req.responseClosed = true;
      req.bodyWait?.cancel(new Error('the client left while its body waited'));
      req.bodyLease?.release();
    });
  });

  const parseJson = async (req: FastifyRequest, body: Buffer): Promise<unknown> => {
    const limit = bodyLimitOf(snapshotOf(req, runtime).config, opts.envBodyLimit);
    if (body.length > limit) throw new BodyTooLargeError(String(limit));
    req.rawBody = body;
    // An empty JSON body (e.g. POST …/cancel from some SDKs) is no body, not a syntax error.
    if (body.length === 0) return undefined;
    const shape = scanJson(body, limits);
    if (shape.refused !== undefined) throw refusal(shape.refused, limits);
    // The body is forwarded byte for byte when unchanged: with a key twice, the allow-list and the
    // upstream could read different copies.
    if (shape.duplicateKey !== undefined) throw DuplicateKeyError(shape.duplicateKey);
    if (req.responseClosed) throw new Error('the client left before its body was parsed');
    const wait = opts.budget.request(parseEstimate(shape, body.length));
    req.bodyWait = wait;
    let lease: BudgetLease;
    try {
      lease = await wait.granted;
    } catch (err) {
      if (err instanceof BudgetWaitTimeoutError) throw gatewayBusy('no room to parse the request body', 5_000);
      throw err;
    } finally {
      req.bodyWait = undefined;
    }
    req.bodyLease = lease;
    if (req.responseClosed) {
      lease.release();
      throw new Error('the client left before its body was parsed');
    }
    let parsed: unknown;
    try {
      // JSON.parse keeps a "__proto__" key as a plain own property; nothing here merges bodies
      // into other objects by assignment, so it cannot reach a prototype.
      parsed = JSON.parse(body.toString('utf8'));
    } catch (err) {
      lease.release();
      throw badRequest(err as Error);
    }
    // The source text is garbage now; the parsed body keeps its share until the response ends.
    lease.resize(retainedEstimate(shape));
    return parsed;
  };

  app.removeAllContentTypeParsers();
  // Any other type: read the body (so the connection stays usable), then answer 415.
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: PARSER_HARD_LIMIT }, (req, _body, done) =>
    done(new UnsupportedMediaTypeError(String(req.headers['content-type'] ?? ''))),
  );
  for (const type of ['application/json', /^application\/[a-z0-9.+-]+\+json$/]) {
    app.addContentTypeParser(
      type,
      { parseAs: 'buffer', bodyLimit: PARSER_HARD_LIMIT },
      (req: FastifyRequest, body: string | Buffer) => parseJson(req, body as Buffer),
    );
  }
}

/** The budget for a process whose V8 heap limit is `heapLimitBytes`. */
export function createBodyBudget(
  heapLimitBytes: number,
  totalBytes = defaultBodyBudgetBytes(heapLimitBytes),
): BodyBudget {
  return new BodyBudget(totalBytes, BODY_BUDGET_WAIT_MS);
}
