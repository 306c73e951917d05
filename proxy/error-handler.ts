/**
 * The one place errors become responses: OpenAI's `{error:{message,type,param,code}}` with the
 * right status, for our own errors and for Fastify's (bad JSON, body too large, wrong media
 * type). Unexpected errors are logged with their stack and answered without it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorTypeForStatus, openAIError } from '../common/openai-error.js';
import { FASTIFY_CLIENT_ERRORS, invalidJsonMessage } from '../common/fastify-client-errors.js';
import { OPENAI_CODES, OPENAI_PARAMS } from './errors.js';

/** Fastify error handler writing OpenAI-shaped errors. */
export function openAIErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
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
    request.log.error({ err: error }, 'unhandled error');
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
  const headers = extra.headers;
  if (headers) void reply.headers(headers);
  void reply
    .code(status)
    .type('application/json')
    .send(
      openAIError(
        message,
        extra.openaiType ?? errorTypeForStatus(status),
        code,
        extra.param !== undefined ? extra.param : (OPENAI_PARAMS[error.code] ?? null),
      ),
    );
}
