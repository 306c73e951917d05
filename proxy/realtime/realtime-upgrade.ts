/**
 * The Realtime API over WebSocket (`/v1/realtime?model=`, Azure's `/openai/v1/realtime?model=`
 * and `/openai/realtime?api-version=…&deployment=`), top to bottom like the HTTP hubs: before the
 * upgrade is accepted, the client key is checked (headers, or the browser forms: Azure's
 * `api-key` query parameter, OpenAI's `openai-insecure-api-key.` subprotocol), the model is
 * resolved and allowed, the session is admitted (it holds a concurrency slot while it lasts),
 * and the upstream socket is opened with the upstream's credential, failing over between
 * targets like any call. Only then is the client's upgrade accepted and frames relayed. A
 * refusal is an HTTP answer in OpenAI's error shape; the session is counted once when it ends.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { nodeHttp } from '../../common/node-http.js';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate, clientKeyOf } from '../access/request-guard.js';
import { isCredentialProtocol, presentedUpgradeKey, type Caller } from '../access/client-auth.js';
import { errorAnswer } from '../error-handler.js';
import { InvalidBodyError, NotFoundError } from '../errors.js';
import { admitRequest } from '../governance/admission.js';
import type { Ticket } from '../governance/state.js';
import { callerModel, resolveTargets, type RelayServices } from '../relay/model-call.js';
import { clientApiVersion } from '../targets/api-version.js';
import { sendWithFailover } from '../targets/failover.js';
import { orderTargets, targetKey } from '../targets/target-order.js';
import { readBody } from '../upstream/read-body.js';
import { clientResponseHeaders } from '../upstream/forward-headers.js';
import { openUpstreamSocket, type SocketExchange } from '../upstream/websocket-call.js';
import { isCountedPath, noteErrorAnswer, recordCall, type RequestAccounting } from '../usage/accounting.js';
import type { RequestLog } from '../observe/request-log.js';
import type { UsageStats } from '../usage/stats.js';
import { addUsage } from './usage-sum.js';
import { relaySession } from './session-relay.js';
import type { TraceHeaders } from '../relay/traced-attempt.js';
import type { RequestTrace } from '../telemetry/telemetry.js';

/** What realtime needs from the running proxy. */
export interface RealtimeServices extends RelayServices {
  usage: UsageStats;
  requests?: RequestLog;
}

const PATHS = new Set(['/v1/realtime', '/openai/v1/realtime', '/openai/realtime']);
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** One upgrade request on its way to becoming a session. */
interface Upgrade {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  id: string;
  acc: RequestAccounting;
  caller?: Caller;
  ticket?: Ticket;
  /** The session's trace while telemetry is on: the handshake's attempts are its children. */
  trace?: RequestTrace;
  started: number;
}

/** How long open sessions get to finish their closing handshake when the proxy stops. */
const CLOSE_WAIT_MS = 2_000;

/** Serves realtime upgrades on the app's server; open sessions are closed (1001) when the app closes. */
export function registerRealtime(app: FastifyInstance, services: RealtimeServices): void {
  const sessions = new Set<WebSocket>();
  const ids = new WeakMap<IncomingMessage, string>();
  // The client's own subprotocol choice, never one that carries its key.
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => [...offered].find((p) => !isCredentialProtocol(p)) ?? false,
  });
  wss.on('headers', (headers, req) => headers.push(`x-request-id: ${ids.get(req) ?? ''}`));
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A reset while the session is set up shows as 'close', which abandons it; the error itself has nothing to add.
    socket.on('error', () => undefined);
    const incoming = req.headers['x-request-id'];
    const id =
      typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming)
        ? incoming
        : `req_${randomUUID().replaceAll('-', '')}`;
    ids.set(req, id);
    const upgrade: Upgrade = { req, socket, head, id, acc: { imageBytesSaved: 0 }, started: performance.now() };
    // Upgrades bypass Fastify's hooks: the session's trace begins here and ends when it is
    // counted. Its path only: a browser's query string can carry its key.
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const trace = isCountedPath(path) ? app.telemetry?.begin(req.headers, req.method ?? 'GET', path) : undefined;
    if (trace) upgrade.trace = trace;
    const log = app.log.child({ reqId: id });
    accept(services, wss, upgrade, log, sessions).catch((err: unknown) =>
      refuse(services, upgrade, err as FastifyError, log),
    );
  });
  // Before the server closes: it would otherwise wait for these connections, which end only
  // when a side closes them.
  app.addHook('preClose', async () => {
    for (const ws of sessions) ws.close(1001, 'gateway shutting down');
    const deadline = Date.now() + CLOSE_WAIT_MS;
    while (sessions.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    for (const ws of sessions) ws.terminate();
    wss.close();
  });
}

async function accept(
  services: RealtimeServices,
  wss: WebSocketServer,
  up: Upgrade,
  log: FastifyBaseLogger,
  sessions: Set<WebSocket>,
): Promise<void> {
  const url = new URL(up.req.url ?? '/', 'http://gateway.invalid');
  if (!PATHS.has(url.pathname)) throw new NotFoundError('GET', url.pathname);
  if (!isWebSocketHandshake(up.req))
    throw new InvalidBodyError('Expected a WebSocket handshake (Upgrade: websocket, Sec-WebSocket-Version: 13).');
  const snap = services.snapshot();
  up.caller = authenticate(snap, presentedUpgradeKey(up.req.headers, url.searchParams));
  const key = clientKeyOf(up);
  const query = Object.fromEntries(url.searchParams);
  const model = callerModel(snap, key, up.acc, url.searchParams.get('model') ?? url.searchParams.get('deployment'));
  const pool = resolveTargets(snap, model, 'realtime', clientApiVersion(query));
  up.ticket = await admitRequest(services.governance, snap.plans, {
    key,
    route: 'realtime',
    body: {},
    model,
    deployment: pool[0]!.deployment,
    currency: snap.config.server.currency,
  });

  // A client that hangs up during the handshake abandons it.
  const gone = new AbortController();
  const onGone = () => gone.abort(new Error('client disconnected'));
  up.socket.once('close', onGone);
  const open = (target: (typeof pool)[number], traceHeaders?: TraceHeaders) =>
    openUpstreamSocket(services, {
      upstream: target.upstream,
      path: target.path,
      clientHeaders: up.req.headers,
      requestId: up.id,
      handshakeMs: snap.timeouts.headersMs,
      signal: gone.signal,
      traceHeaders,
    });
  const { exchange, target } = await sendWithFailover<SocketExchange>(
    {
      states: services.targets,
      settings: snap.config.server.upstream,
      log,
      signal: gone.signal,
      deadlineAt: Infinity,
      attempt: open,
      trace: up.trace,
    },
    orderTargets(pool, services.targets),
  );
  up.socket.off('close', onGone);
  up.acc.target = targetKey(target);
  up.acc.price = target.price;
  const upstream = exchange.socket;
  if (!upstream) return passOn(services, up, exchange, target.upstream.name);
  if (gone.signal.aborted) {
    upstream.close(1001, 'client left');
    return finish(services, up, 0);
  }

  wss.handleUpgrade(up.req, up.socket, up.head, (client) => {
    sessions.add(client);
    log.info({ keyId: key.id, model: model.entry.id, target: up.acc.target }, 'realtime session open');
    void relaySession(client, upstream, {
      log,
      onUsage: (usage) => (up.acc.tokens = addUsage(up.acc.tokens, usage)),
    }).then((end) => {
      sessions.delete(client);
      log.info(
        {
          keyId: key.id,
          model: model.entry.id,
          target: up.acc.target,
          end,
          ms: Math.round(performance.now() - up.started),
        },
        'realtime session closed',
      );
      finish(services, up, end === 'upstream_error' ? 502 : 101);
    });
  });
}

// The upstream refused the handshake (and failover had nowhere else to go): its answer, as is.
async function passOn(
  services: RealtimeServices,
  up: Upgrade,
  exchange: SocketExchange,
  upstreamName: string,
): Promise<void> {
  const body = await readBody(exchange, upstreamName);
  writeAnswer(
    up.socket,
    exchange.statusCode,
    { ...flatHeaders(clientResponseHeaders(exchange.headers)), 'x-request-id': up.id },
    body,
  );
  finish(services, up, exchange.statusCode);
}

function refuse(services: RealtimeServices, up: Upgrade, err: FastifyError, log: FastifyBaseLogger): void {
  const answer = errorAnswer(err, log);
  writeAnswer(
    up.socket,
    answer.status,
    { ...answer.headers, 'content-type': 'application/json', 'x-request-id': up.id },
    Buffer.from(JSON.stringify(answer.body)),
  );
  noteErrorAnswer(up.acc, err, answer.body.error.code ?? answer.body.error.type);
  up.trace?.refused(err);
  finish(services, up, answer.status);
}

function finish(services: RealtimeServices, up: Upgrade, status: number): void {
  const client = up.caller?.kind === 'client' ? up.caller.entry : undefined;
  const keyId = client?.id ?? '(unauthenticated)';
  const latencyMs = performance.now() - up.started;
  recordCall(services, {
    acc: up.acc,
    keyId,
    ticket: up.ticket,
    status,
    latencyMs,
    request: { id: up.id, method: up.req.method ?? 'GET', path: (up.req.url ?? '').split('?')[0] ?? '' },
  });
  up.trace?.close({ acc: up.acc, status, keyId, team: client?.team || undefined, latencyMs });
}

// What ws itself checks before it completes a handshake, checked before the upstream is opened.
function isWebSocketHandshake(req: IncomingMessage): boolean {
  const key = req.headers['sec-websocket-key'];
  return (
    req.method === 'GET' &&
    String(req.headers.upgrade ?? '').toLowerCase() === 'websocket' &&
    req.headers['sec-websocket-version'] === '13' &&
    typeof key === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(key)
  );
}

function flatHeaders(headers: Record<string, string | string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
}

// An HTTP answer on the raw socket of a refused upgrade; the connection is closed after it.
function writeAnswer(socket: Duplex, status: number, headers: Record<string, string>, body: Buffer): void {
  if (socket.destroyed) return;
  const lines = [`HTTP/1.1 ${status} ${nodeHttp.STATUS_CODES[status] ?? 'Error'}`];
  for (const [name, value] of Object.entries({
    ...headers,
    'content-length': String(body.length),
    connection: 'close',
  })) {
    if (!/[\r\n]/.test(name + value)) lines.push(`${name}: ${value}`);
  }
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`), body]));
}
