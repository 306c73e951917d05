/**
 * How a client's `api-version` reaches Azure (docs/azure-front.md, "api-version"). The upstream
 * path comes from the config, so the version is pinned per upstream or model route: a route whose
 * query names an `api-version` keeps it whatever the client sent, and a Foundry v1 path
 * (`/openai/v1/…`) needs none and gets none. Only a classic path that pins nothing gets the
 * client's version passed through, so it is never sent without one it needs.
 */
import { InvalidParameterError } from '../errors.js';

// Azure's versions look like 2024-10-21, 2025-04-01-preview, v1, preview, latest.
const API_VERSION = /^[A-Za-z0-9._-]{1,64}$/;
const PINNED = /(^|&)api-version=/;
const FOUNDRY_V1 = /\/openai\/v1(\/|$)/;

/** The client's `api-version` query value; a malformed one is a 400 naming the parameter. */
export function clientApiVersion(query: unknown): string | undefined {
  const value = query && typeof query === 'object' ? (query as Record<string, unknown>)['api-version'] : undefined;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !API_VERSION.test(value)) {
    throw InvalidParameterError(
      'The api-version query parameter is not a valid API version.',
      'api-version',
      'invalid_api_version',
    );
  }
  return value;
}

/** `path` with the client's version added when the route pins none and is not Foundry v1. */
export function withApiVersion(path: string, clientVersion: string | undefined): string {
  if (clientVersion === undefined) return path;
  const at = path.indexOf('?');
  const base = at === -1 ? path : path.slice(0, at);
  const query = at === -1 ? '' : path.slice(at + 1);
  if (PINNED.test(query) || FOUNDRY_V1.test(base)) return path;
  return `${base}?${query && !query.endsWith('&') ? `${query}&` : query}api-version=${encodeURIComponent(clientVersion)}`;
}
