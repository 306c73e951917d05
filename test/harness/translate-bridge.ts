// A minimal translating gateway for the translation tests: the official `openai` SDK talks to it
// on loopback, it translates the request (proxy/translate/*), calls an upstream (the Foundry
// simulator, or a scripted SSE body with exact Azure shapes), parses the upstream SSE with the
// proxy's own SseTap and answers with the converters' frames. It is what the relay will do,
// reduced to the translation so these tests fail only when the translation is wrong.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import OpenAI from 'openai';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SseTap } from '../../proxy/relay/sse-events.js';
import { chatRequestToResponses, chatWantsStreamUsage } from '../../proxy/translate/chat-to-responses-request.js';
import { chatCompletionToResponse } from '../../proxy/translate/chat-to-responses-response.js';
import { ChatToResponsesStream } from '../../proxy/translate/chat-stream-to-responses.js';
import { responsesRequestToChat } from '../../proxy/translate/responses-to-chat-request.js';
import { responsesResponseToChat } from '../../proxy/translate/responses-to-chat-response.js';
import { ResponsesToChatStream } from '../../proxy/translate/responses-stream-to-chat.js';
import type { UpstreamEvent } from '../../proxy/translate/sse-frames.js';
import { startFoundrySimulator } from '../../simulator/foundry/simulator.js';

/** Calls the upstream with a translated body: `path` is `responses` or `chat/completions`. */
export type Upstream = (
  path: string,
  body: Record<string, unknown>,
  headers: Record<string, string>,
) => Promise<Response>;

/** What one call through the bridge looked like, for assertions. */
export interface BridgeExchange {
  clientBody: Record<string, unknown>;
  upstreamBody?: Record<string, unknown>;
  upstreamEvents: UpstreamEvent[];
  /** Everything the bridge sent back to the client, verbatim. */
  sent: string;
}

/** A running bridge. */
export interface TranslateBridge {
  /** Base URL for `new OpenAI({ baseURL })`. */
  baseURL: string;
  exchanges: BridgeExchange[];
  close(): Promise<void>;
}

/** An upstream that is the Foundry simulator at `simUrl`; `x-sim-scenario` is passed on. */
export function simulatorUpstream(simUrl: string): Upstream {
  return (path, body, headers) =>
    fetch(`${simUrl}/openai/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
}

/** An upstream that answers every call with these SSE frames. */
export function scriptedUpstream(frames: string[]): Upstream {
  return () => Promise.resolve(new Response(frames.join(''), { headers: { 'content-type': 'text/event-stream' } }));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

interface Converter {
  push(e: UpstreamEvent): string[];
  end(): string[];
}

async function pipeStream(
  upstream: Response,
  converter: Converter,
  res: ServerResponse,
  ex: BridgeExchange,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const write = (frames: string[]): void => {
    for (const f of frames) {
      ex.sent += f;
      res.write(f);
    }
  };
  const tap = new SseTap({
    onEvent: (e) => {
      const event = { event: e.event, data: e.data };
      ex.upstreamEvents.push(event);
      write(converter.push(event));
    },
  });
  tap.resume();
  const body = upstream.body ? Readable.fromWeb(upstream.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  await new Promise<void>((resolve) => {
    // A dropped upstream connection ends the stream like a clean end: the converter decides.
    body.on('error', () => tap.end());
    tap.on('end', resolve);
    body.pipe(tap);
  });
  write(converter.end());
  res.end();
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  upstream: Upstream,
  ex: BridgeExchange,
): Promise<void> {
  const chatClient = req.url === '/v1/chat/completions';
  const translated = chatClient ? chatRequestToResponses(ex.clientBody) : responsesRequestToChat(ex.clientBody);
  if (!translated.ok) {
    res.writeHead(translated.status, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        error: {
          message: translated.message,
          type: 'invalid_request_error',
          param: translated.param,
          code: translated.code,
        },
      }),
    );
    return;
  }
  ex.upstreamBody = translated.value;
  const scenario = req.headers['x-sim-scenario'];
  const headers: Record<string, string> = typeof scenario === 'string' ? { 'x-sim-scenario': scenario } : {};
  const up = await upstream(chatClient ? 'responses' : 'chat/completions', translated.value, headers);
  if (!up.ok) {
    res.writeHead(up.status, { 'content-type': 'application/json' });
    res.end(await up.text());
    return;
  }
  if ((up.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const converter = chatClient
      ? new ResponsesToChatStream({ includeUsage: chatWantsStreamUsage(ex.clientBody) })
      : new ChatToResponsesStream({ request: ex.clientBody });
    return pipeStream(up, converter, res, ex);
  }
  const json = (await up.json()) as Record<string, unknown>;
  if (chatClient) {
    const answer = responsesResponseToChat(json);
    res.writeHead(answer.ok ? 200 : answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.ok ? answer.value : answer.body));
  } else {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(chatCompletionToResponse(json, ex.clientBody)));
  }
}

/** Starts a bridge on 127.0.0.1 in front of `upstream`. */
export async function startTranslateBridge(upstream: Upstream): Promise<TranslateBridge> {
  const exchanges: BridgeExchange[] = [];
  const server = createServer((req, res) => {
    readJson(req)
      .then((clientBody) => {
        const ex: BridgeExchange = { clientBody, upstreamEvents: [], sent: '' };
        exchanges.push(ex);
        return handle(req, res, upstream, ex);
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { message: `bridge bug: ${String(err)}`, type: 'server_error', param: null, code: null },
          }),
        );
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    exchanges,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A bridge in front of `upstream` and the official SDK pointed at it; both go when `t` ends. */
export async function bridgeOver(
  t: TestContext,
  upstream: Upstream,
): Promise<{ bridge: TranslateBridge; client: OpenAI }> {
  const bridge = await startTranslateBridge(upstream);
  t.after(() => bridge.close());
  return { bridge, client: new OpenAI({ baseURL: bridge.baseURL, apiKey: 'test', maxRetries: 0 }) };
}

/** A bridge in front of a fresh Foundry simulator (stopped when `t` ends). */
export async function bridgeOverSimulator(t: TestContext): Promise<{ bridge: TranslateBridge; client: OpenAI }> {
  const sim = await startFoundrySimulator();
  t.after(() => sim.close());
  return bridgeOver(t, simulatorUpstream(sim.url));
}

/** Request options that pick a simulator scenario by name (`x-sim-scenario`). */
export function scenario(name: string): { headers: Record<string, string> } {
  return { headers: { 'x-sim-scenario': name } };
}
