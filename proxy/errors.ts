/**
 * Every error the proxy makes, in one registry: a code, OpenAI's message, an HTTP status and
 * OpenAI's `type`/`code` fields. Handlers only throw these; `error-handler.ts` writes them.
 */
import createError from '@fastify/error';

/** Extra fields the error handler turns into OpenAI's `{error:{type,code,param}}`. */
export interface OpenAIErrorFields {
  openaiType?: string;
  openaiCode?: string | null;
  param?: string | null;
  headers?: Record<string, string>;
}

type Arg = [string?, string?, string?];
const E = (code: string, message: string, status: number) => createError<string, Arg>(code, message, status);

export const MissingKeyError = E(
  'GW_MISSING_KEY',
  'You didn\'t provide an API key. Send it as "Authorization: Bearer <key>", "api-key" or "x-api-key".',
  401,
);
export const InvalidKeyError = E('GW_INVALID_KEY', 'Incorrect API key provided.', 401);
export const KeyDisabledError = E('GW_KEY_DISABLED', 'This API key has been disabled.', 401);
export const KeyExpiredError = E('GW_KEY_EXPIRED', 'This API key expired at %s.', 401);
export const LimitExceededError = E('GW_LIMIT_EXCEEDED', '%s', 429);
export const QuotaExceededError = E('GW_QUOTA_EXCEEDED', '%s', 429);
export const HealthKeyOnlyError = E(
  'GW_HEALTH_KEY_ONLY',
  'The health-check key may only call /healthz and /readyz.',
  403,
);
export const ModelNotAllowedError = E(
  'GW_MODEL_NOT_ALLOWED',
  'This API key is not allowed to use the model "%s".',
  403,
);
export const MissingModelError = E('GW_MISSING_MODEL', 'You must provide a model parameter.', 400);
export const ModelNotFoundError = E(
  'GW_MODEL_NOT_FOUND',
  'The model "%s" does not exist or you do not have access to it.',
  404,
);
export const RouteNotSupportedError = E('GW_ROUTE_NOT_SUPPORTED', 'The model "%s" is not available on %s.', 400);
export const InvalidBodyError = E('GW_INVALID_BODY', '%s', 400);
export const BodyTooLargeError = E('GW_BODY_TOO_LARGE', 'Request body is larger than the limit of %s bytes.', 413);
export const UnsupportedMediaTypeError = E(
  'GW_UNSUPPORTED_MEDIA_TYPE',
  'Unsupported Content-Type "%s": send application/json.',
  415,
);
export const JsonTooDeepError = E(
  'GW_JSON_TOO_DEEP',
  'The request body nests objects and arrays deeper than %s levels.',
  400,
);
export const JsonTooComplexError = E('GW_JSON_TOO_COMPLEX', 'The request body holds more than %s %s.', 400);
const DuplicateKeyErrorBase = E('GW_DUPLICATE_KEY', 'The request body has the field "%s" more than once.', 400);
/** 400 for a body whose top-level object repeats a key (which copy would the upstream read?). */
export function DuplicateKeyError(key: string): Error {
  const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key;
  return Object.assign(new DuplicateKeyErrorBase(shown), { param: shown });
}
export const NotFoundError = E('GW_NOT_FOUND', 'Unknown endpoint: %s %s.', 404);
export const UpstreamConfigError = E('GW_UPSTREAM_CONFIG', 'Upstream "%s" is misconfigured: %s', 500);
export const UpstreamCredentialError = E(
  'GW_UPSTREAM_CREDENTIAL',
  'Could not get a credential for upstream "%s": %s',
  502,
);
export const UpstreamUnreachableError = E('GW_UPSTREAM_UNREACHABLE', 'Upstream "%s" could not be reached: %s', 502);
export const UpstreamTimeoutError = E('GW_UPSTREAM_TIMEOUT', 'Upstream "%s" timed out: %s', 504);
export const UnknownResponseError = E('GW_UNKNOWN_RESPONSE', 'No response with id "%s" is known to this gateway.', 404);
export const UnknownFileError = E('GW_UNKNOWN_FILE', 'No such File object: %s', 404);
export const UnknownBatchError = E('GW_UNKNOWN_BATCH', 'No such Batch object: %s', 404);
export const NoFileStoreError = E('GW_NO_FILE_STORE', 'No upstream is configured to store files and batches.', 404);
/** A 400 about one request parameter, with OpenAI's `param` and `code` (e.g. from translation). */
export function InvalidParameterError(message: string, param: string | null, code: string): Error {
  return Object.assign(new InvalidBodyError(message), { param, openaiCode: code });
}
export const NotReadyError = E('GW_NOT_READY', 'The gateway is not ready: %s', 503);
const GatewayBusyError = E('GW_BUSY', 'The gateway is busy: %s; retry after %s seconds.', 503);
const UpstreamBusyError = E(
  'GW_UPSTREAM_BUSY',
  'Upstream "%s" has no free connection: %s; retry after %s seconds.',
  503,
);
const RateLimitedError = E(
  'GW_RATE_LIMITED',
  'Every deployment of this model is rate-limited right now; retry after %s seconds.',
  429,
);
const TargetsUnavailableError = E(
  'GW_TARGETS_UNAVAILABLE',
  'No deployment of this model is available right now (circuit open); retry after %s seconds.',
  503,
);

function withRetryAfter(err: Error, ms: number): Error {
  (err as Error & { headers?: Record<string, string> }).headers = {
    'retry-after': String(Math.max(1, Math.ceil(ms / 1000))),
    'retry-after-ms': String(Math.ceil(ms)),
  };
  return err;
}

/** 429 when every target is cooling down, with retry-after = the shortest remaining cool-down. */
export function rateLimitedEverywhere(ms: number): Error {
  return withRetryAfter(new RateLimitedError(String(Math.max(1, Math.ceil(ms / 1000)))), ms);
}

/** 503 when the gateway cannot take the request now (e.g. no room to parse its body). */
export function gatewayBusy(why: string, retryAfterMs: number): Error {
  return withRetryAfter(new GatewayBusyError(why, String(Math.max(1, Math.ceil(retryAfterMs / 1000)))), retryAfterMs);
}

/** 503 when every connection to an upstream stayed busy past `pool.queueTimeoutMs`. */
export function upstreamBusy(upstreamName: string, why: string, retryAfterMs: number): Error {
  return withRetryAfter(
    new UpstreamBusyError(upstreamName, why, String(Math.max(1, Math.ceil(retryAfterMs / 1000)))),
    retryAfterMs,
  );
}

/** 503 when every target's circuit is open, with retry-after = when the first may be tried. */
export function allTargetsUnavailable(ms: number): Error {
  return withRetryAfter(new TargetsUnavailableError(String(Math.max(1, Math.ceil(ms / 1000)))), ms);
}

/** OpenAI `code` values for the registry above (OpenAI's own where one exists). */
export const OPENAI_CODES: Record<string, string> = {
  GW_MISSING_KEY: 'missing_api_key',
  GW_INVALID_KEY: 'invalid_api_key',
  GW_KEY_DISABLED: 'api_key_disabled',
  GW_KEY_EXPIRED: 'api_key_expired',
  GW_LIMIT_EXCEEDED: 'rate_limit_exceeded',
  GW_QUOTA_EXCEEDED: 'insufficient_quota',
  GW_HEALTH_KEY_ONLY: 'health_key_only',
  GW_MODEL_NOT_ALLOWED: 'model_not_allowed',
  GW_MISSING_MODEL: 'missing_model',
  GW_MODEL_NOT_FOUND: 'model_not_found',
  GW_ROUTE_NOT_SUPPORTED: 'route_not_supported',
  GW_INVALID_BODY: 'invalid_request_body',
  GW_BODY_TOO_LARGE: 'request_too_large',
  GW_UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  GW_JSON_TOO_DEEP: 'json_too_deep',
  GW_JSON_TOO_COMPLEX: 'json_too_complex',
  GW_DUPLICATE_KEY: 'duplicate_key',
  GW_BUSY: 'gateway_busy',
  GW_UPSTREAM_BUSY: 'upstream_busy',
  GW_NOT_FOUND: 'not_found',
  GW_UPSTREAM_CONFIG: 'upstream_misconfigured',
  GW_UPSTREAM_CREDENTIAL: 'upstream_credential_error',
  GW_UPSTREAM_UNREACHABLE: 'upstream_unreachable',
  GW_UPSTREAM_TIMEOUT: 'upstream_timeout',
  GW_NOT_READY: 'not_ready',
  GW_RATE_LIMITED: 'rate_limit_exceeded',
  GW_TARGETS_UNAVAILABLE: 'targets_unavailable',
  GW_UNKNOWN_RESPONSE: 'response_not_found',
  GW_UNKNOWN_FILE: 'file_not_found',
  GW_UNKNOWN_BATCH: 'batch_not_found',
  GW_NO_FILE_STORE: 'not_found',
};

/** OpenAI `param` for errors that concern one request field. */
export const OPENAI_PARAMS: Record<string, string> = {
  GW_MODEL_NOT_ALLOWED: 'model',
  GW_MISSING_MODEL: 'model',
  GW_MODEL_NOT_FOUND: 'model',
  GW_ROUTE_NOT_SUPPORTED: 'model',
};
