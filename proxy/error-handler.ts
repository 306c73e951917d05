/**
 * The one place errors become answers: OpenAI's `{error:{message,type,param,code}}` with the
 * right status, for our own errors and for Fastify's (bad JSON, body too large, wrong media
 * type). Unexpected errors are logged with their stack and answered without it. HTTP requests
 * get it through Fastify; a refused WebSocket upgrade (realtime) gets the same answer.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorTypeForStatus, openAIError, type OpenAIErrorBody } from '../common/openai-error.js';
import { FASTIFY_CLIENT_ERRORS, invalidJsonMessage } from '../common/fastify-client-errors.js';
import { OPENAI_CODES, OPENAI_PARAMS } from './errors.js';
import { accountingOf, noteErrorAnswer } from './usage/accounting.js';

/** How an error is answered. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: OpenAIErrorBody;
}

/** The answer for `error`; an unexpected one is logged with its stack through `log`. */
export function errorAnswer(error: FastifyError, log: { error(obj: object, msg: string): void }): ErrorAnswer {
  const known = FASTIFY_CLIENT_ERRORS[error.code];
  let status = known?.status ?? error.statusCode ?? 500;
  let message = known?.message(error) ?? error.message;
  let code: string | null = known?.code ?? OPENAI_CODES[error.code] ?? null;
  // JSON syntax errors from the parser carry statusCode 400 without a FST code.
  if (!known && !OPENAI_CODES[error.code] && status === 400 && error instanceof SyntaxError) {
    message = invalidJsonMessage(error);
    code = 'invalid_json';
  }
  if (status >= 500 && !OPENAI_CODES[error.code]) {
    log.error({ err: error }, 'unhandled error');
    status = 500;
    message = 'The gateway had an internal error while processing your request.';
    code = 'internal_error';
  }
  const extra = error as {
    headers?: Record<string, string>;
    param?: string | null;
    openaiCode?: string;
    openaiType?: string;
  };
  if (extra.openaiCode) code = extra.openaiCode;
  const param = extra.param !== undefined ? extra.param : (OPENAI_PARAMS[error.code] ?? null);
  return {
    status,
    headers: extra.headers ?? {},
    body: openAIError(message, extra.openaiType ?? errorTypeForStatus(status), code, param),
  };
}

/** Fastify error handler writing OpenAI-shaped errors. */
export function openAIErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer = errorAnswer(error, request.log);
  noteErrorAnswer(accountingOf(request), error, answer.body.error.code ?? answer.body.error.type);
  void reply.headers(answer.headers).code(answer.status).type('application/json').send(answer.body);
}
