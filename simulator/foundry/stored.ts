// Stored Responses API responses, per simulator instance — as on Azure, where a response can be
// fetched, cancelled, listed or deleted only on the resource that created it. A follow-up that
// reaches another simulator instance gets that resource's 404, which is what affinity tests need.
import type { SimReply } from './reply.js';
import { isRecord } from './content.js';

interface Stored {
  response: Record<string, unknown>;
  input: unknown[];
}

// Foundry v1 (`/openai/v1/responses/{id}`) and classic (`/openai/responses/{id}?api-version=…`).
const FOLLOW_UP = /^\/openai\/(v1\/)?responses\/([A-Za-z0-9_-]+)(\/cancel|\/input_items)?$/;

function notFound(id: string): SimReply {
  return {
    kind: 'json',
    status: 404,
    body: {
      error: { message: `Response with id '${id}' not found.`, type: 'invalid_request_error', param: null, code: null },
    },
    tokens: 0,
  };
}

function inputItems(body: Record<string, unknown>): unknown[] {
  const input = body.input;
  if (typeof input === 'string')
    return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  return Array.isArray(input) ? input : [];
}

// The response object of a reply: the JSON body, or the `response.completed` event of a stream.
function responseOf(reply: SimReply): Record<string, unknown> | undefined {
  if (reply.kind === 'json') return isRecord(reply.body) ? reply.body : undefined;
  if (reply.kind !== 'sse') return undefined;
  for (const frame of reply.frames) {
    const m = /^event: response\.(completed|incomplete)\ndata: (.*)\n\n$/s.exec(frame);
    if (m?.[2]) {
      const parsed: unknown = JSON.parse(m[2]);
      if (isRecord(parsed) && isRecord(parsed.response)) return parsed.response;
    }
  }
  return undefined;
}

/** The responses one simulator instance has stored. */
export class StoredResponses {
  private readonly byId = new Map<string, Stored>();

  /** Keeps the response a create call produced, unless the request said `store: false`. */
  remember(reply: SimReply, body: Record<string, unknown>): void {
    if (body.store === false) return;
    const response = responseOf(reply);
    if (response && typeof response.id === 'string') this.byId.set(response.id, { response, input: inputItems(body) });
  }

  /** True when `method path` is a follow-up route (whatever the id); a classic one without api-version is a 404, as on Azure. */
  matches(method: string, rawUrl: string): boolean {
    const url = new URL(rawUrl, 'http://sim.invalid');
    const m = FOLLOW_UP.exec(url.pathname);
    return (
      !!m && (m[1] !== undefined || url.searchParams.has('api-version')) && ['GET', 'DELETE', 'POST'].includes(method)
    );
  }

  /** Answers a follow-up on a stored response. */
  handle(method: string, rawUrl: string): SimReply {
    const path = new URL(rawUrl, 'http://sim.invalid').pathname;
    const m = FOLLOW_UP.exec(path);
    const id = m?.[2] ?? '';
    const stored = this.byId.get(id);
    if (!stored) return notFound(id);
    const action = m?.[3];
    if (method === 'GET' && !action) return { kind: 'json', status: 200, body: stored.response, tokens: 0 };
    if (method === 'DELETE' && !action) {
      this.byId.delete(id);
      return { kind: 'json', status: 200, body: { id, object: 'response', deleted: true }, tokens: 0 };
    }
    if (method === 'POST' && action === '/cancel') {
      // Only background responses can be cancelled; ours complete at once, as a finished one would.
      return {
        kind: 'json',
        status: 400,
        body: {
          error: {
            message: 'Cannot cancel a synchronous response.',
            type: 'invalid_request_error',
            param: null,
            code: null,
          },
        },
        tokens: 0,
      };
    }
    if (method === 'GET' && action === '/input_items') {
      const data = stored.input.map((item, i) => (isRecord(item) ? { id: `msg_${id.slice(5)}_${i}`, ...item } : item));
      const ids = data.map((d) => (isRecord(d) ? d.id : undefined));
      return {
        kind: 'json',
        status: 200,
        body: { object: 'list', data, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null, has_more: false },
        tokens: 0,
      };
    }
    return notFound(id);
  }
}
