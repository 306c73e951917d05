/**
 * The admin service's one error handler: OpenAI's `{error:{message,type,param,code}}` with the
 * right status, plus the extra top-level fields an error carries (`issues`, `step`, `steps`).
 * Unexpected errors are logged with their stack and answered without it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { errorTypeForStatus, openAIError } from '../common/openai-error.js';
import { FASTIFY_CLIENT_ERRORS, invalidJsonMessage } from '../common/fastify-client-errors.js';
import { OPENAI_CODES, type ErrorExtras } from './errors.js';

/** Fastify error handler writing OpenAI-shaped errors with the error's extra fields. */
export function adminErrorHandler(
  error: FastifyError & ErrorExtras,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const known = FASTIFY_CLIENT_ERRORS[error.code];
  const ours = OPENAI_CODES[error.code];
  let status = known?.status ?? error.statusCode ?? 500;
  let message = known?.message(error) ?? error.message;
  let code: string | null = known?.code ?? ours ?? null;
  if (!known && !ours && status === 400 && error instanceof SyntaxError) {
    message = invalidJsonMessage(error);
    code = 'invalid_json';
  }
  if (status >= 500 && !ours) {
    request.log.error({ err: error }, 'unhandled error');
    status = 500;
    message = 'The admin service had an internal error while processing your request.';
    code = 'internal_error';
  }
  if (error.headers) void reply.headers(error.headers);
  const body = { ...openAIError(message, errorTypeForStatus(status), code), ...(ours ? error.body : undefined) };
  void reply.code(status).type('application/json').send(body);
}
