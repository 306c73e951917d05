// The Batch API of one simulated resource: create (from a `batch` file stored on this instance),
// retrieve, cancel, list — v1 and classic paths. A batch moves one step each time it is read
// (validating → in_progress → completed, or cancelling → cancelled); on completion the resource
// writes an output file with one answer line per input line, as Azure does, answered by the
// same chat simulator as live calls.
// https://learn.microsoft.com/azure/ai-foundry/openai/how-to/batch
import { randomUUID } from 'node:crypto';
import { chatReply } from './chat.js';
import { isRecord, newId, nowSeconds } from './content.js';
import { invalidRequestError } from './errors.js';
import type { SimFiles } from './files.js';
import { errorReply, type SimReply } from './reply.js';
import { behaviourOf } from './scenarios.js';

const BATCHES = /^\/openai\/(v1\/)?batches(?:\/([A-Za-z0-9_.-]+)(\/cancel)?)?$/;
const ENDPOINTS = new Set(['/chat/completions', '/v1/chat/completions']);
const DAY_SECONDS = 86_400;

type Batch = Record<string, unknown> & { id: string; status: string; input_file_id: string };

function notFound(id: string): SimReply {
  return {
    kind: 'json',
    status: 404,
    body: { error: { code: 'batchNotFound', message: `Batch with id '${id}' was not found.` } },
    tokens: 0,
  };
}

// One output line per input line: the chat simulator's answer, or an error line.
function answerLine(line: string): Record<string, unknown> {
  let request: unknown;
  try {
    request = JSON.parse(line);
  } catch {
    request = undefined;
  }
  const customId = isRecord(request) ? request.custom_id : undefined;
  const body = isRecord(request) && isRecord(request.body) ? request.body : undefined;
  const deployment = body && typeof body.model === 'string' ? body.model : undefined;
  if (!body || deployment === undefined) {
    return {
      custom_id: customId ?? null,
      error: { code: 'invalid_request', message: 'The line is not a valid request.' },
      id: newId('batch_req_'),
      response: null,
    };
  }
  const reply = chatReply({
    deployment,
    model: deployment,
    body: { ...body, stream: false },
    behaviour: behaviourOf('ok'),
  });
  const answer = reply.kind === 'json' ? reply.body : null;
  return {
    custom_id: customId,
    error: null,
    id: newId('batch_req_'),
    response: { body: answer, request_id: randomUUID(), status_code: 200 },
  };
}

/** The batches one simulator instance holds. */
export class SimBatches {
  private readonly byId = new Map<string, Batch>();

  constructor(private readonly files: SimFiles) {}

  /** True when `method path` is a Batch API route (classic paths need an api-version). */
  matches(method: string, rawUrl: string): boolean {
    const url = new URL(rawUrl, 'http://sim.invalid');
    const m = BATCHES.exec(url.pathname);
    return !!m && (m[1] !== undefined || url.searchParams.has('api-version')) && ['GET', 'POST'].includes(method);
  }

  /** Answers create, retrieve, cancel and list. */
  handle(method: string, rawUrl: string, body: unknown): SimReply {
    const m = BATCHES.exec(new URL(rawUrl, 'http://sim.invalid').pathname);
    const id = m?.[2];
    if (id === undefined) return method === 'POST' ? this.create(body) : this.list();
    const batch = this.byId.get(id);
    if (!batch) return notFound(id);
    if (m?.[3]) {
      if (['completed', 'failed', 'expired', 'cancelled'].includes(batch.status)) {
        return errorReply(invalidRequestError(`Cannot cancel a batch with status ${batch.status}.`));
      }
      Object.assign(batch, { status: 'cancelling', cancelling_at: nowSeconds() });
      return { kind: 'json', status: 200, body: batch, tokens: 0 };
    }
    this.advance(batch);
    return { kind: 'json', status: 200, body: batch, tokens: 0 };
  }

  private create(body: unknown): SimReply {
    if (!isRecord(body)) return errorReply(invalidRequestError('The request body must be a JSON object.'));
    const fileId = body.input_file_id;
    if (typeof fileId !== 'string')
      return errorReply(invalidRequestError("'input_file_id' is a required property", 'input_file_id'));
    const file = this.files.get(fileId);
    if (!file)
      return {
        kind: 'json',
        status: 404,
        body: { error: { code: 'fileNotFound', message: `File with id '${fileId}' was not found.` } },
        tokens: 0,
      };
    if (typeof body.endpoint !== 'string' || !ENDPOINTS.has(body.endpoint))
      return errorReply(invalidRequestError('The endpoint is not supported.', 'endpoint'));
    if (body.completion_window !== '24h')
      return errorReply(invalidRequestError('completion_window must be 24h.', 'completion_window'));
    const created = nowSeconds();
    const batch: Batch = {
      cancelled_at: null,
      cancelling_at: null,
      completed_at: null,
      completion_window: '24h',
      created_at: created,
      endpoint: body.endpoint,
      error_file_id: null,
      errors: null,
      expired_at: null,
      expires_at: created + DAY_SECONDS,
      failed_at: null,
      finalizing_at: null,
      id: newId('batch_', 16),
      in_progress_at: null,
      input_file_id: fileId,
      metadata: isRecord(body.metadata) ? body.metadata : null,
      object: 'batch',
      output_file_id: null,
      request_counts: { completed: 0, failed: 0, total: 0 },
      status: 'validating',
    };
    this.byId.set(batch.id, batch);
    return { kind: 'json', status: 200, body: batch, tokens: 0 };
  }

  private list(): SimReply {
    const data = [...this.byId.values()].reverse();
    return {
      kind: 'json',
      status: 200,
      body: { data, first_id: data[0]?.id ?? null, has_more: false, last_id: data.at(-1)?.id ?? null, object: 'list' },
      tokens: 0,
    };
  }

  // One step per read, so a client polling a batch sees it progress and finish.
  private advance(batch: Batch): void {
    const now = nowSeconds();
    if (batch.status === 'cancelling') Object.assign(batch, { status: 'cancelled', cancelled_at: now });
    else if (batch.status === 'validating') Object.assign(batch, { status: 'in_progress', in_progress_at: now });
    else if (batch.status === 'in_progress') this.complete(batch, now);
  }

  private complete(batch: Batch, now: number): void {
    const input = this.files.get(batch.input_file_id)?.data.toString('utf8') ?? '';
    const lines = input
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map(answerLine);
    const failed = lines.filter((l) => l.error !== null).length;
    const output = this.files.add(
      `${batch.id}_output.jsonl`,
      'batch_output',
      Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n') + '\n'),
    );
    Object.assign(batch, {
      status: 'completed',
      finalizing_at: now,
      completed_at: now,
      output_file_id: output.id,
      request_counts: { completed: lines.length - failed, failed, total: lines.length },
    });
  }
}
