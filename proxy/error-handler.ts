/**
 * The one place errors become responses: OpenAI's `{error:{message,type,param,code}}` with the
 * right status, for our own errors and for Fastify's (bad JSON, body too large, wrong media
 * type). Unexpected errors are logged with their stack and answered without it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorTypeForStatus, openAIError } from '../common/openai-error.js';
import { OPENAI_CODES, OPENAI_PARAMS } from './errors.js';

// Fastify's own client errors, with OpenAI-style codes and messages a user can act on.
const FASTIFY_CLIENT_ERRORS: Record<string, { status: number; code: string; message?: (e: FastifyError) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'request_too_large', message: () => 'Request body is larger than the limit.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: (e) => `We could not parse the JSON body of your request: ${e.message}` },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: () => 'The request body is empty; send a JSON object.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: () => 'Unsupported Content-Type: send application/json.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', message: () => 'Content-Length does not match the body.' },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url', message: () => 'The request URL is malformed.' },
};

/** Fastify error handler writing OpenAI-shaped errors. */
export function openAIErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const known = FASTIFY_CLIENT_ERRORS[error.code];
  let status = known?.status ?? error.statusCode ?? 500;
  let message = known?.message?.(error) ?? error.message;
  let code: string | null = known?.code ?? OPENAI_CODES[error.code] ?? null;
  // JSON syntax errors from the parser carry statusCode 400 without a FST code.
  if (!known && !OPENAI_CODES[error.code] && status === 400 && error instanceof SyntaxError) {
    message = `We could not parse the JSON body of your request: ${error.message}`;
    code = 'invalid_json';
  }
  if (status >= 500 && !OPENAI_CODES[error.code]) {
    request.log.error({ err: error }, 'unhandled error');
    status = 500;
    message = 'The gateway had an internal error while processing your request.';
    code = 'internal_error';
  }
  const extra = error as { headers?: Record<string, string>; param?: string | null; openaiCode?: string };
  if (extra.openaiCode) code = extra.openaiCode;
  const headers = extra.headers;
  if (headers) void reply.headers(headers);
  void reply.code(status).type('application/json').send(openAIError(message, errorTypeForStatus(status), code, extra.param !== undefined ? extra.param : (OPENAI_PARAMS[error.code] ?? null)));
}
