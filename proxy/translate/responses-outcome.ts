/**
 * How a Responses `response` ended, in chat terms: the `finish_reason`, or the error a failed
 * response must surface as. Shared by the JSON and the streaming converters so both agree.
 */
import { errorTypeForStatus, openAIError, type OpenAIErrorBody } from '../../common/openai-error.js';
import { isRecord, str } from './json.js';

/** Chat's finish reasons that a Responses answer can produce. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** A failed answer: the HTTP status to answer with (non-streaming) and OpenAI's error body. */
export interface TranslatedFailure {
  status: number;
  body: OpenAIErrorBody;
}

/**
 * `incomplete_details.reason` decides first (max_output_tokens → length, content_filter →
 * content_filter; any other cut-off is reported as length); a complete answer with function
 * calls ends in tool_calls.
 */
export function finishReasonOf(response: Record<string, unknown>, hasToolCalls: boolean): FinishReason {
  if (response.status === 'incomplete') {
    const reason = isRecord(response.incomplete_details) ? response.incomplete_details.reason : undefined;
    return reason === 'content_filter' ? 'content_filter' : 'length';
  }
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** HTTP statuses for the `response.error.code` values that are not a server fault. */
const STATUS_BY_CODE: Record<string, number> = { rate_limit_exceeded: 429, invalid_prompt: 400 };

/** The HTTP status an upstream error `code` stands for (OpenAI's `type` follows from it). */
export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? (code.startsWith('invalid_') || code.startsWith('image_') ? 400 : 500);
}

/** Builds the error for a response that failed or never finished; undefined when it did finish. */
export function failureOf(response: Record<string, unknown>): TranslatedFailure | undefined {
  const status = response.status;
  if (status === 'completed' || status === 'incomplete') return undefined;
  if (status === 'failed') {
    const err = isRecord(response.error) ? response.error : {};
    const code = str(err.code) ?? 'server_error';
    const http = statusForCode(code);
    return {
      status: http,
      body: openAIError(str(err.message) ?? 'The upstream response failed.', errorTypeForStatus(http), code),
    };
  }
  // cancelled, queued, in_progress: background runs are rejected up front, so this is an upstream fault.
  return {
    status: 502,
    body: openAIError(
      `The upstream response ended with status '${String(status)}' instead of an answer.`,
      errorTypeForStatus(502),
      'upstream_incomplete',
    ),
  };
}
