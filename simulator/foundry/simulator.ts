// A Foundry / Azure OpenAI data-plane simulator on a real loopback HTTP server.
//
// Azure cannot be reached from our machines, so tests point the gateway (or the official
// `openai` SDK) at this server instead. It speaks Azure's wire formats — paths, auth headers,
// error bodies, response headers, JSON and SSE shapes — and lets a test script failures per
// request (see simulator/foundry/scenarios.ts). This file is the HTTP layer: routing, auth, the
// request log and the scenario queue; the endpoint bodies live in the other files of simulator/foundry/.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatReply } from './chat.js';
import { isRecord } from './content.js';
import { embeddingsReply } from './embeddings.js';
import {
  deploymentNotFoundError,
  invalidKeyError,
  invalidRequestError,
  invalidTokenError,
  missingKeyError,
  promptFilteredError,
  resourceNotFoundError,
  statusError,
  streamOptionsError,
  type HttpOperation,
  type SimError,
} from './errors.js';
import { imageUploadReply, imagesReply } from './images.js';
import { audioTextReply, speechReply } from './audio.js';
import { completionsReply } from './completions.js';
import { SimFiles } from './files.js';
import { SimBatches } from './batches.js';
import { isMultipart, readForm, type SimForm } from './multipart.js';
import { attachRealtime } from './realtime.js';
import { errorReply, pause, writeReply, type SimCall, type SimReply } from './reply.js';
import { responsesReply } from './responses.js';
import { isModelList, modelListReply } from './models.js';
import { routeOf } from './routes.js';
import { StoredResponses } from './stored.js';
import { behaviourOf, parseScenarioHeader, type Behaviour, type Scenario } from './scenarios.js';
import type { SimRequest } from './request-log.js';

export type { Scenario, ScenarioName, ScenarioSpec } from './scenarios.js';

/** Options for `startFoundrySimulator`. With neither `apiKey` nor `acceptToken`, every request is accepted. */
export interface SimulatorOptions {
  /** Accept `api-key: <apiKey>`. */
  apiKey?: string;
  /** Accept `Authorization: Bearer <token>` when this returns true. */
  acceptToken?: (token: string) => boolean;
  /** Port to listen on (default 0: any free port); the host is always 127.0.0.1. */
  port?: number;
  /** Value of the `x-ms-region` header (default "Sweden Central"). */
  region?: string;
  /** Deployment → model name reported in replies; a deployment not listed reports its own name. */
  models?: Record<string, string>;
  /** Scenario used when the queue is empty (default 'ok'); `reset()` returns to it. */
  defaultScenario?: Scenario;
}

export type { SimRequest } from './request-log.js';

/** A running simulator. */
export interface FoundrySimulator {
  /** Base URL, e.g. `http://127.0.0.1:PORT` (append `/openai/v1` for the SDK). */
  url: string;
  port: number;
  /** Every request received, oldest first (the same array for the simulator's life). */
  requests: SimRequest[];
  /**
   * Gives the next requests these scenarios, one each, first in first out. Only requests that
   * pass routing, auth and the deployment check take one; `x-sim-scenario` bypasses the queue.
   */
  enqueue(...scenarios: Scenario[]): void;
  /** Sets the scenario used when the queue is empty. */
  setDefault(scenario: Scenario): void;
  /** Resolves with the first logged request matching `predicate` (now or later); rejects after `timeoutMs`. */
  waitFor(predicate: (request: SimRequest) => boolean, timeoutMs?: number): Promise<SimRequest>;
  /** Clears the log and the queue and restores the default scenario. */
  reset(): void;
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
}

const HANDLERS: Record<HttpOperation, (call: SimCall) => SimReply> = {
  chat: chatReply,
  responses: responsesReply,
  images: imagesReply,
  embeddings: embeddingsReply,
  completions: completionsReply,
  imageEdits: imageUploadReply,
  imageVariations: imageUploadReply,
  transcriptions: (call) => audioTextReply(call, false),
  translations: (call) => audioTextReply(call, true),
  speech: speechReply,
};

/** The deployment name that answers DeploymentNotFound. */
export const MISSING_DEPLOYMENT = 'missing-deployment';

const RATE_LIMIT_REQUESTS = 1000;
const RATE_LIMIT_TOKENS = 1_000_000;
const DEFAULT_WAIT_MS = 5000;

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Starts a simulator on 127.0.0.1 and resolves once it listens. */
export async function startFoundrySimulator(opts: SimulatorOptions = {}): Promise<FoundrySimulator> {
  const requests: SimRequest[] = [];
  const changes = new EventEmitter();
  let queue: Scenario[] = [];
  let fallback: Scenario = opts.defaultScenario ?? 'ok';
  let served = 0;
  let tokensUsed = 0;
  let closing = false;

  /** Returns the credential error, or undefined when the request may pass. */
  const authError = (headers: Record<string, string>): SimError | undefined => {
    if (opts.apiKey === undefined && opts.acceptToken === undefined) return undefined;
    const key = headers['api-key'];
    // Azure uses api-key when present, whatever else the request carries.
    if (key !== undefined) return opts.apiKey !== undefined && key === opts.apiKey ? undefined : invalidKeyError();
    const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
    if (bearer !== undefined) return opts.acceptToken?.(bearer) ? undefined : invalidTokenError();
    return missingKeyError();
  };

  const azureHeaders = (entry: SimRequest): Record<string, string> => ({
    'apim-request-id': randomUUID(),
    'x-request-id': entry.headers['x-request-id'] ?? randomUUID(),
    'x-ms-region': opts.region ?? 'Sweden Central',
    'x-ratelimit-remaining-requests': String(Math.max(0, RATE_LIMIT_REQUESTS - served)),
    'x-ratelimit-remaining-tokens': String(Math.max(0, RATE_LIMIT_TOKENS - tokensUsed)),
    'x-content-type-options': 'nosniff',
    'strict-transport-security': 'max-age=31536000; includeSubDomains; preload',
    ...(entry.deployment !== undefined ? { 'x-ms-deployment-name': entry.deployment } : {}),
  });

  const plain = behaviourOf('ok');
  const stored = new StoredResponses();
  const files = new SimFiles();
  const batches = new SimBatches(files);

  async function respond(
    req: IncomingMessage,
    res: ServerResponse,
    entry: SimRequest,
    form: SimForm | undefined,
    hooks: { beforeSelfDestroy(): void },
  ): Promise<void> {
    const send = (reply: SimReply, behaviour: Behaviour = plain): Promise<void> => {
      tokensUsed += reply.tokens;
      entry.status = reply.kind === 'json' ? reply.status : 200;
      return writeReply(res, reply, behaviour, azureHeaders(entry), hooks);
    };
    // Stored objects (responses, files, batches) live on this instance only.
    const storedReply = (): SimReply | undefined => {
      if (stored.matches(entry.method, entry.path)) return stored.handle(entry.method, entry.path);
      if (files.matches(entry.method, entry.path))
        return entry.method === 'POST'
          ? files.upload(form ?? { fields: {}, files: [] })
          : files.handle(entry.method, entry.path);
      if (batches.matches(entry.method, entry.path)) return batches.handle(entry.method, entry.path, entry.body);
      return undefined;
    };
    if (
      stored.matches(entry.method, entry.path) ||
      files.matches(entry.method, entry.path) ||
      batches.matches(entry.method, entry.path)
    ) {
      const denied = authError(entry.headers);
      return send(denied ? errorReply(denied) : (storedReply() ?? errorReply(resourceNotFoundError())));
    }
    if (isModelList(entry.method, entry.path)) {
      const denied = authError(entry.headers);
      return send(denied ? errorReply(denied) : modelListReply(opts.models));
    }
    const route = routeOf(entry.method, entry.path);
    if (!route) return send(errorReply(resourceNotFoundError()));
    entry.operation = route.operation;
    const denied = authError(entry.headers);
    if (denied) return send(errorReply(denied));
    const body = form ? form.fields : entry.body;
    if (!isRecord(body)) return send(errorReply(invalidRequestError('The request body must be a JSON object.')));
    const deployment = route.deployment ?? (typeof body.model === 'string' ? body.model : undefined);
    if (deployment === undefined)
      return send(errorReply(invalidRequestError('you must provide a model parameter', 'model')));
    entry.deployment = deployment;
    if (deployment === MISSING_DEPLOYMENT) return send(errorReply(deploymentNotFoundError()));

    let scenario: Scenario;
    const header = entry.headers['x-sim-scenario'];
    try {
      scenario = header !== undefined ? parseScenarioHeader(header) : (queue.shift() ?? fallback);
    } catch (err) {
      return send(errorReply(invalidRequestError(`x-sim-scenario: ${(err as Error).message}`, 'x-sim-scenario')));
    }
    entry.scenario = scenario;
    served += 1;
    const behaviour = behaviourOf(scenario);

    if (behaviour.transport === 'reset') {
      hooks.beforeSelfDestroy();
      req.socket.destroy();
      return;
    }
    // 'hang' never answers; the close listener records the client giving up.
    if (behaviour.transport === 'hang') return;
    if (!(await pause(res, behaviour.headerDelayMs))) return;

    if (behaviour.status) {
      const canned = statusError(behaviour.status.status, route.operation, route.apiVersion);
      return send(
        errorReply({
          status: behaviour.status.status,
          body: behaviour.status.body ?? canned.body,
          headers: { ...canned.headers, ...behaviour.status.headers },
        }),
      );
    }
    if (behaviour.rejectStreamOptions && 'stream_options' in body) {
      return send(errorReply(streamOptionsError(behaviour.rejectStreamOptions)));
    }
    if (behaviour.promptFilter) return send(errorReply(promptFilteredError()));
    const model = opts.models?.[deployment] ?? deployment;
    const reply = HANDLERS[route.operation]({ deployment, model, body, files: form?.files, behaviour });
    if (route.operation === 'responses') stored.remember(reply, body);
    return send(reply, behaviour);
  }

  const handle = (req: IncomingMessage, res: ServerResponse, body: unknown, form: SimForm | undefined): void => {
    const entry: SimRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: flatHeaders(req),
      body,
      aborted: false,
      completed: false,
    };
    let selfDestroyed = false;
    res.on('close', () => {
      entry.completed = res.writableFinished;
      // Our own hang-ups (reset, dropMidStream, close()) are not the client leaving.
      if (!res.writableFinished && !selfDestroyed && !closing) entry.aborted = true;
      changes.emit('change');
    });
    requests.push(entry);
    changes.emit('change');
    respond(req, res, entry, form, {
      beforeSelfDestroy: () => {
        selfDestroyed = true;
      },
    }).catch((err: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: `simulator bug: ${String(err)}`, type: 'server_error', param: null, code: null },
          }),
        );
      } else {
        res.destroy();
      }
    });
  };

  const server = createServer((req, res) => {
    if (isMultipart(req)) {
      // Uploads are read as they arrive; only the Files API keeps the bytes.
      readForm(req, files.matches(req.method ?? '', req.url ?? '')).then(
        (form) => handle(req, res, form, form),
        () =>
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(JSON.stringify(invalidRequestError('The multipart body is malformed.').body)),
      );
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, parseBody(Buffer.concat(chunks)), undefined));
  });
  attachRealtime(server, {
    authError,
    log: (entry) => requests.push(entry),
    changed: () => changes.emit('change'),
    models: opts.models,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...scenarios) => {
      queue.push(...scenarios);
    },
    setDefault: (scenario) => {
      fallback = scenario;
    },
    waitFor(predicate, timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const hit = requests.find(predicate);
          if (!hit) return;
          clearTimeout(timer);
          changes.off('change', check);
          resolve(hit);
        };
        const timer = setTimeout(() => {
          changes.off('change', check);
          const seen = requests.map(
            (r) => `${r.method} ${r.path} status=${r.status ?? '-'} aborted=${r.aborted} completed=${r.completed}`,
          );
          reject(new Error(`waitFor: no matching request within ${timeoutMs} ms; seen: [${seen.join('; ')}]`));
        }, timeoutMs);
        changes.on('change', check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      queue = [];
      fallback = opts.defaultScenario ?? 'ok';
      served = 0;
      tokensUsed = 0;
    },
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
