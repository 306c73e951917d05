/**
 * Fastify's own client errors (bad JSON, body too large, wrong media type…) with the status,
 * OpenAI-style code and message a user can act on; both services' error handlers use this.
 */
import type { FastifyError } from 'fastify';

/** How one Fastify client error is answered. */
export interface ClientErrorAnswer {
  status: number;
  code: string;
  message: (e: FastifyError) => string;
}

const INVALID_JSON = (e: FastifyError | Error) => `We could not parse the JSON body of your request: ${e.message}`;

/** By Fastify error code. */
export const FASTIFY_CLIENT_ERRORS: Record<string, ClientErrorAnswer> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'request_too_large',
    message: () => 'Request body is larger than the limit.',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: INVALID_JSON },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_json',
    message: () => 'The request body is empty; send a JSON object.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: () => 'Unsupported Content-Type: send application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_content_length',
    message: () => 'Content-Length does not match the body.',
  },
  FST_ERR_BAD_URL: { status: 400, code: 'invalid_url', message: () => 'The request URL is malformed.' },
};

/** The message for a JSON syntax error raised by a body parser. */
export function invalidJsonMessage(e: Error): string {
  return INVALID_JSON(e);
}
