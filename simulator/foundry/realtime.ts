// The Realtime API over WebSocket, as Azure serves it: GA at `/openai/v1/realtime?model=<dep>`,
// preview at `/openai/realtime?api-version=…&deployment=<dep>`. Credentials come as headers
// (`api-key` or `Authorization: Bearer`) and are checked before the upgrade, so a refusal is an
// HTTP answer. A session starts with `session.created`; `response.create` produces a text reply
// whose events carry GA names on v1 and preview names on the classic path, ending with
// `response.done` and its usage.
// https://learn.microsoft.com/azure/ai-foundry/openai/realtime-audio-reference
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { DEFAULT_CONTENT_CHUNKS, countWords, isRecord, newId, replyTo, splitIntoChunks } from './content.js';
import { resourceNotFoundError, statusError, type SimError } from './errors.js';
import type { SimRequest } from './request-log.js';
import { behaviourOf, parseScenarioHeader, type Behaviour } from './scenarios.js';

/** What the realtime endpoint shares with the HTTP layer. */
export interface RealtimeHooks {
  authError(headers: Record<string, string>): SimError | undefined;
  /** Adds a session to the request log. */
  log(entry: SimRequest): void;
  /** Tells the request log's waiters that an entry changed. */
  changed(): void;
  models?: Record<string, string>;
}

interface Target {
  deployment: string;
  ga: boolean;
}

function targetOf(rawUrl: string): Target | undefined {
  const url = new URL(rawUrl, 'http://sim.invalid');
  if (url.pathname === '/openai/v1/realtime') {
    const model = url.searchParams.get('model');
    return model ? { deployment: model, ga: true } : undefined;
  }
  const deployment = url.searchParams.get('deployment');
  if (url.pathname === '/openai/realtime' && url.searchParams.has('api-version') && deployment)
    return { deployment, ga: false };
  return undefined;
}

function flat(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function refuse(socket: Duplex, error: SimError): void {
  const body = JSON.stringify(error.body);
  const head = [
    `HTTP/1.1 ${error.status} ${error.status === 429 ? 'Too Many Requests' : 'Error'}`,
    'content-type: application/json',
    `content-length: ${Buffer.byteLength(body)}`,
    'connection: close',
  ];
  for (const [k, v] of Object.entries(error.headers)) head.push(`${k}: ${v}`);
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/** Serves the Realtime API on `server`'s WebSocket upgrades. */
export function attachRealtime(server: Server, hooks: RealtimeHooks): void {
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const headers = flat(req);
    const entry: SimRequest = {
      method: 'GET',
      path: req.url ?? '/',
      headers,
      body: undefined,
      operation: 'realtime',
      aborted: false,
      completed: false,
      events: [],
    };
    hooks.log(entry);
    hooks.changed();
    const target = targetOf(entry.path);
    const fail = (error: SimError) => {
      entry.status = error.status;
      refuse(socket, error);
      hooks.changed();
    };
    if (!target) return fail(resourceNotFoundError());
    entry.deployment = target.deployment;
    const denied = hooks.authError(headers);
    if (denied) return fail(denied);
    let behaviour: Behaviour;
    try {
      behaviour = behaviourOf(headers['x-sim-scenario'] ? parseScenarioHeader(headers['x-sim-scenario']) : 'ok');
    } catch {
      return fail({
        status: 400,
        body: {
          error: {
            message: 'x-sim-scenario is invalid',
            type: 'invalid_request_error',
            param: 'x-sim-scenario',
            code: null,
          },
        },
        headers: {},
      });
    }
    if (behaviour.status)
      return fail(
        statusError(
          behaviour.status.status,
          'realtime',
          target.ga ? 'v1' : (new URL(entry.path, 'http://sim.invalid').searchParams.get('api-version') ?? ''),
        ),
      );
    wss.handleUpgrade(req, socket, head, (ws) => {
      entry.status = 101;
      hooks.changed();
      new RealtimeSession(
        ws,
        entry,
        hooks,
        hooks.models?.[target.deployment] ?? target.deployment,
        target.ga,
        behaviour,
      );
    });
  });
}

/** One simulated session: answers client events with server events. */
class RealtimeSession {
  private sent = 0;
  private lastText = '';
  private readonly session: Record<string, unknown>;

  constructor(
    private readonly ws: WebSocket,
    private readonly entry: SimRequest,
    private readonly hooks: RealtimeHooks,
    model: string,
    private readonly ga: boolean,
    private readonly behaviour: Behaviour,
  ) {
    this.session = {
      id: newId('sess_'),
      object: 'realtime.session',
      model,
      modalities: ['text', 'audio'],
      voice: 'alloy',
      instructions: '',
      turn_detection: null,
    };
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
    ws.on('close', (code: number) => {
      entry.completed = code === 1000;
      entry.aborted = code !== 1000;
      hooks.changed();
    });
    this.send({ type: 'session.created', session: this.session });
  }

  private send(event: Record<string, unknown>): void {
    if (this.behaviour.dropAfterChunks !== undefined && this.sent >= this.behaviour.dropAfterChunks) {
      // The connection is cut without a close frame, as when a front end in Azure drops it.
      this.ws.terminate();
      return;
    }
    this.sent += 1;
    this.ws.send(JSON.stringify({ event_id: `event_${randomUUID().replaceAll('-', '')}`, ...event }));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    let event: unknown;
    try {
      event = isBinary ? undefined : JSON.parse(String(data));
    } catch {
      event = undefined;
    }
    const type = isRecord(event) && typeof event.type === 'string' ? event.type : undefined;
    if (!isRecord(event) || type === undefined)
      return this.error('invalid_json', 'The event is not a JSON object with a type.');
    this.entry.events?.push(type);
    this.hooks.changed();
    if (type === 'session.update') {
      if (isRecord(event.session)) Object.assign(this.session, event.session);
      return this.send({ type: 'session.updated', session: this.session });
    }
    if (type === 'conversation.item.create') return this.itemCreated(event.item);
    if (type === 'input_audio_buffer.append') return undefined;
    if (type === 'input_audio_buffer.commit')
      return this.send({ type: 'input_audio_buffer.committed', item_id: newId('item_'), previous_item_id: null });
    if (type === 'response.create') return this.respond();
    return this.error('unknown_event', `Unknown event type '${type}'.`);
  }

  private error(code: string, message: string): void {
    this.send({ type: 'error', error: { type: 'invalid_request_error', code, message, param: null, event_id: null } });
  }

  private itemCreated(item: unknown): void {
    const content = isRecord(item) && Array.isArray(item.content) ? item.content : [];
    this.lastText = content
      .map((c: unknown) => (isRecord(c) && typeof c.text === 'string' ? c.text : ''))
      .join(' ')
      .trim();
    this.send({
      type: 'conversation.item.created',
      previous_item_id: null,
      item: { id: newId('item_'), object: 'realtime.item', status: 'completed', ...(isRecord(item) ? item : {}) },
    });
  }

  private respond(): void {
    const responseId = newId('resp_');
    const itemId = newId('item_');
    const text = replyTo(this.lastText);
    const names = this.ga
      ? { delta: 'response.output_text.delta', done: 'response.output_text.done' }
      : { delta: 'response.text.delta', done: 'response.text.done' };
    const base = { id: responseId, object: 'realtime.response', status_details: null, metadata: null };
    this.send({ type: 'response.created', response: { ...base, status: 'in_progress', output: [], usage: null } });
    this.send({
      type: 'response.output_item.added',
      response_id: responseId,
      output_index: 0,
      item: {
        id: itemId,
        object: 'realtime.item',
        type: 'message',
        role: 'assistant',
        status: 'in_progress',
        content: [],
      },
    });
    for (const delta of splitIntoChunks(text, this.behaviour.contentChunks ?? DEFAULT_CONTENT_CHUNKS)) {
      this.send({
        type: names.delta,
        response_id: responseId,
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        delta,
      });
    }
    this.send({ type: names.done, response_id: responseId, item_id: itemId, output_index: 0, content_index: 0, text });
    const item = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'text', text }],
    };
    this.send({ type: 'response.output_item.done', response_id: responseId, output_index: 0, item });
    const input = countWords(this.lastText) + 3;
    const output = countWords(text);
    const usage = {
      total_tokens: input + output,
      input_tokens: input,
      output_tokens: output,
      input_token_details: { cached_tokens: 0, text_tokens: input, audio_tokens: 0 },
      output_token_details: { text_tokens: output, audio_tokens: 0 },
    };
    this.send({ type: 'response.done', response: { ...base, status: 'completed', output: [item], usage } });
  }
}
