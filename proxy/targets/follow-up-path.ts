/**
 * Upstream paths for calls on something stored upstream (a Responses API response, a file, a
 * batch), made from the route that created it: `/openai/responses?api-version=X` becomes
 * `/openai/responses/{id}/input_items?api-version=X&limit=2`. The route's own query is the
 * operator's (Azure's classic paths need their api-version) and wins over a client parameter of
 * the same name; the client's other parameters (limit/order/after, stream/include, purpose)
 * follow it. The client's `api-version` itself follows the one rule of targets/api-version.ts.
 */
import { withApiVersion } from './api-version.js';

/** The path for stored object `id` with `action` ('' or e.g. '/cancel', '/input_items', '/content'). */
export function followUpPath(
  routePath: string,
  id: string,
  action: string,
  clientUrl: string,
  clientVersion?: string,
): string {
  const [base] = splitQuery(routePath);
  return merged(`${base.replace(/\/+$/, '')}/${encodeURIComponent(id)}${action}`, routePath, clientUrl, clientVersion);
}

/** The path of the collection itself (upload, create, list), with the same query rules. */
export function collectionPath(routePath: string, clientUrl: string, clientVersion?: string): string {
  const [base] = splitQuery(routePath);
  return merged(base, routePath, clientUrl, clientVersion);
}

function merged(path: string, routePath: string, clientUrl: string, clientVersion: string | undefined): string {
  const [, configured] = splitQuery(routePath);
  const [, client] = splitQuery(clientUrl);
  const ours = params(configured);
  const names = new Set([...ours.map(nameOf), 'api-version']);
  const query = [...ours, ...params(client).filter((p) => !names.has(nameOf(p)))].join('&');
  return withApiVersion(`${path}${query ? `?${query}` : ''}`, clientVersion);
}

function splitQuery(url: string): [string, string] {
  const at = url.indexOf('?');
  return at === -1 ? [url, ''] : [url.slice(0, at), url.slice(at + 1)];
}

// Parameters stay as they were written: nothing is decoded and encoded again on the way.
function params(query: string): string[] {
  return query.split('&').filter((p) => p !== '');
}

function nameOf(param: string): string {
  const eq = param.indexOf('=');
  return eq === -1 ? param : param.slice(0, eq);
}
