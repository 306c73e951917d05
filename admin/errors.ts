/**
 * Every error the admin service makes, in one registry: a code, a message, an HTTP status and
 * OpenAI's `code`. Handlers only throw these; `error-handler.ts` writes them. Errors that carry
 * more than a message (validation issues, the steps of a failed apply) attach it with `withBody`.
 */
import createError from '@fastify/error';

type Arg = [string?, string?];
const E = (code: string, message: string, status: number) => createError<string, Arg>(code, message, status);

export const AuthRequiredError = E(
  'ADMIN_AUTH_REQUIRED',
  'Authentication required: send the admin user and password (HTTP Basic).',
  401,
);
export const AuthNotConfiguredError = E(
  'ADMIN_AUTH_NOT_CONFIGURED',
  'Admin login is enabled but no password is set: run init, then read DATA_DIR/first-run.txt.',
  401,
);
export const LoginThrottledError = E(
  'ADMIN_LOGIN_THROTTLED',
  'Too many failed logins from your address; try again in %s seconds.',
  429,
);
export const CrossOriginError = E('ADMIN_CROSS_ORIGIN', 'Cross-origin request refused: %s.', 403);
export const ForwardedRefusedError = E(
  'ADMIN_FORWARDED_REFUSED',
  'Admin auth is disabled, so the admin service answers only local requests, never ones forwarded by Caddy.',
  403,
);
export const IfMatchRequiredError = E(
  'ADMIN_IF_MATCH_REQUIRED',
  'Send If-Match with the ETag of the config you edited (GET /admin/api/config).',
  428,
);
export const StaleConfigError = E(
  'ADMIN_STALE_CONFIG',
  'The config changed since you read it (ETag mismatch); read it again and re-apply your change.',
  412,
);
export const InvalidConfigError = E('ADMIN_INVALID_CONFIG', '%s', 400);
export const InvalidRequestError = E('ADMIN_INVALID_REQUEST', '%s', 400);
export const ApplyFailedError = E('ADMIN_APPLY_FAILED', 'Applying the config failed at step %s: %s', 502);
export const WriteFailedError = E('ADMIN_WRITE_FAILED', 'Applying the config failed at step %s: %s', 500);
export const ConfigUnreadableError = E('ADMIN_CONFIG_UNREADABLE', '%s', 500);
export const NotFoundError = E('ADMIN_NOT_FOUND', 'Unknown endpoint: %s %s.', 404);
export const KeyNotFoundError = E('ADMIN_KEY_NOT_FOUND', 'There is no client key with id "%s".', 404);
export const KeyExistsError = E('ADMIN_KEY_EXISTS', 'A client key with id "%s" already exists.', 409);
export const TeamNotFoundError = E('ADMIN_TEAM_NOT_FOUND', 'There is no team with id "%s".', 404);
export const TeamExistsError = E('ADMIN_TEAM_EXISTS', 'A team with id "%s" already exists.', 409);
export const TeamInUseError = E(
  'ADMIN_TEAM_IN_USE',
  'Team "%s" still has keys (%s): move them to another team (or none) first.',
  409,
);
export const UpstreamNotFoundError = E('ADMIN_UPSTREAM_NOT_FOUND', 'There is no upstream named "%s".', 404);
export const StagedChangePendingError = E(
  'ADMIN_STAGED_CHANGE_PENDING',
  'A domain, TLS or port change is still staged (%s): confirm or cancel it before changing domains, TLS or ports again.',
  409,
);
export const NoStagedChangeError = E('ADMIN_NO_STAGED_CHANGE', 'No domain, TLS or port change is staged.', 409);
export const CaddyUnavailableError = E('ADMIN_CADDY_UNAVAILABLE', "Caddy's admin API did not answer: %s", 502);
export const ProxyUnavailableError = E(
  'ADMIN_PROXY_UNAVAILABLE',
  "The proxy's internal endpoint did not answer: %s",
  502,
);

export const RoleRefusedError = E('ADMIN_ROLE_REFUSED', '%s', 403);
export const SignInRequiredError = E('ADMIN_SIGN_IN_REQUIRED', '%s', 401);
export const InteractiveSignInError = E('ADMIN_INTERACTIVE_SIGN_IN', '%s', 403);
export const TokenNotFoundError = E('ADMIN_TOKEN_NOT_FOUND', 'There is no admin API token with id "%s".', 404);

/** OpenAI `code` values for the registry above. */
export const OPENAI_CODES: Record<string, string> = {
  ADMIN_AUTH_REQUIRED: 'authentication_required',
  ADMIN_AUTH_NOT_CONFIGURED: 'admin_password_not_set',
  ADMIN_LOGIN_THROTTLED: 'too_many_failed_logins',
  ADMIN_CROSS_ORIGIN: 'cross_origin_refused',
  ADMIN_FORWARDED_REFUSED: 'forwarded_request_refused',
  ADMIN_IF_MATCH_REQUIRED: 'if_match_required',
  ADMIN_STALE_CONFIG: 'stale_config',
  ADMIN_INVALID_CONFIG: 'invalid_config',
  ADMIN_INVALID_REQUEST: 'invalid_request',
  ADMIN_APPLY_FAILED: 'apply_failed',
  ADMIN_WRITE_FAILED: 'apply_failed',
  ADMIN_CONFIG_UNREADABLE: 'config_unreadable',
  ADMIN_NOT_FOUND: 'not_found',
  ADMIN_KEY_NOT_FOUND: 'key_not_found',
  ADMIN_KEY_EXISTS: 'key_exists',
  ADMIN_TEAM_NOT_FOUND: 'team_not_found',
  ADMIN_TEAM_EXISTS: 'team_exists',
  ADMIN_TEAM_IN_USE: 'team_in_use',
  ADMIN_UPSTREAM_NOT_FOUND: 'upstream_not_found',
  ADMIN_STAGED_CHANGE_PENDING: 'staged_change_pending',
  ADMIN_NO_STAGED_CHANGE: 'no_staged_change',
  ADMIN_CADDY_UNAVAILABLE: 'caddy_unavailable',
  ADMIN_PROXY_UNAVAILABLE: 'proxy_unavailable',
  ADMIN_ROLE_REFUSED: 'role_refused',
  ADMIN_SIGN_IN_REQUIRED: 'authentication_required',
  ADMIN_TOKEN_NOT_FOUND: 'token_not_found',
  ADMIN_INTERACTIVE_SIGN_IN: 'interactive_sign_in_required',
};

/** What an error may carry besides its message: top-level body fields and response headers. */
export interface ErrorExtras {
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Attaches extra top-level body fields (e.g. `issues`, `steps`) and headers to `err`; returns it. */
export function withBody<T extends Error>(
  err: T,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
): T & ErrorExtras {
  return Object.assign(err, { body, ...(headers ? { headers } : {}) });
}
