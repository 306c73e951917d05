// Azure's own error bodies, as the Foundry / Azure OpenAI data plane returns them.
//
// Two families exist on the wire and a gateway must pass both through untouched: the API
// Management layer's `{error:{code:"401", message}}` (code is a string, no type/param) and the
// model service's OpenAI-shaped `{error:{message, type, param, code}}`.
import type { StreamOptionsRejection } from './scenarios.js';

/** An error reply: status, body and extra headers. */
export interface SimError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** The `Operation` names Azure's 429 message uses, per endpoint. */
export type SimOperation =
  | 'chat'
  | 'responses'
  | 'images'
  | 'embeddings'
  | 'completions'
  | 'imageEdits'
  | 'imageVariations'
  | 'transcriptions'
  | 'translations'
  | 'speech'
  | 'realtime';

/** The operations answered over plain HTTP (realtime is a WebSocket). */
export type HttpOperation = Exclude<SimOperation, 'realtime'>;

const OPERATION_NAMES: Record<SimOperation, string> = {
  chat: 'ChatCompletions_Create',
  responses: 'Responses_Create',
  images: 'ImageGenerations_Create',
  embeddings: 'Embeddings_Create',
  completions: 'Completions_Create',
  imageEdits: 'ImageEdits_Create',
  imageVariations: 'ImageVariations_Create',
  transcriptions: 'Transcriptions_Create',
  translations: 'Translations_Create',
  speech: 'Speech_Create',
  realtime: 'Realtime_Connect',
};

/** 401 for a wrong api-key (APIM's wording). */
export function invalidKeyError(): SimError {
  return apim(
    401,
    'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
  );
}

/** 401 when the request carries no credential at all (APIM's wording). */
export function missingKeyError(): SimError {
  return apim(
    401,
    'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.',
  );
}

/** 401 for a bearer token that is unknown, expired or for another audience. */
export function invalidTokenError(): SimError {
  return apim(
    401,
    'Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.',
  );
}

/** 404 for a path the data plane does not serve (also a classic path without api-version). */
export function resourceNotFoundError(): SimError {
  return apim(404, 'Resource not found');
}

/** 404 for a deployment that does not exist on the resource. */
export function deploymentNotFoundError(): SimError {
  return {
    status: 404,
    body: {
      error: {
        code: 'DeploymentNotFound',
        message:
          'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      },
    },
    headers: {},
  };
}

/** 400 in the model service's OpenAI shape. */
export function invalidRequestError(
  message: string,
  param: string | null = null,
  code: string | null = null,
): SimError {
  return { status: 400, body: { error: { message, type: 'invalid_request_error', param, code } }, headers: {} };
}

/**
 * 400 for `stream_options` on an API version that predates it. Both shapes have been seen from
 * Azure: langchain-ai/langchain#23552 quotes `{code: null, message: 'Unrecognized request
 * argument supplied: stream_options', param: null, type: 'invalid_request_error'}`, and
 * agno-agi/agno#1066 quotes `{message: "Unknown parameter: 'stream_options'.", param:
 * 'stream_options', code: 'unknown_parameter'}`.
 */
export function streamOptionsError(style: StreamOptionsRejection): SimError {
  return style === 'unrecognized'
    ? invalidRequestError('Unrecognized request argument supplied: stream_options')
    : invalidRequestError("Unknown parameter: 'stream_options'.", 'stream_options', 'unknown_parameter');
}

/** 400 when the prompt itself trips the content filter (Azure's `content_filter` error). */
export function promptFilteredError(): SimError {
  const safe = { filtered: false, severity: 'safe' };
  return {
    status: 400,
    body: {
      error: {
        message:
          "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766",
        type: null,
        param: 'prompt',
        code: 'content_filter',
        status: 400,
        innererror: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_result: {
            hate: safe,
            jailbreak: { filtered: false, detected: false },
            self_harm: safe,
            sexual: safe,
            violence: { filtered: true, severity: 'high' },
          },
        },
      },
    },
    headers: {},
  };
}

/** The default body and headers Azure sends with `status` (429, 500, 503, …). */
export function statusError(status: number, operation: SimOperation, apiVersion: string): SimError {
  if (status === 429) {
    return {
      status,
      body: {
        error: {
          code: '429',
          message: `Requests to the ${OPERATION_NAMES[operation]} Operation under Azure OpenAI API version ${apiVersion} have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 2 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
        },
      },
      headers: { 'retry-after': '2', 'retry-after-ms': '2000', 'x-ratelimit-remaining-tokens': '0' },
    };
  }
  if (status === 500) {
    return serverError(status, 'The server had an error while processing your request. Sorry about that!');
  }
  if (status === 503) {
    return serverError(status, 'The engine is currently overloaded, please try again later');
  }
  if (status === 408) return apim(408, 'Request timed out.');
  if (status >= 500) return serverError(status, `Simulated server error ${status}.`);
  return { ...invalidRequestError(`Simulated error ${status}.`), status };
}

function serverError(status: number, message: string): SimError {
  return { status, body: { error: { message, type: 'server_error', param: null, code: null } }, headers: {} };
}

function apim(status: number, message: string): SimError {
  return { status, body: { error: { code: String(status), message } }, headers: {} };
}
