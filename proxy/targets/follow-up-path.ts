/**
 * The upstream path of a follow-up on a stored response (`GET`/`DELETE …/{id}`, `…/cancel`,
 * `…/input_items`), made from the route that created it: `/openai/responses?api-version=X`
 * becomes `/openai/responses/{id}/input_items?api-version=X&limit=2`. The route's own query is
 * the operator's (Azure's classic paths need their api-version) and wins over a client parameter
 * of the same name; the client's other parameters (limit/order/after, stream/include) follow it.
 */

/** The follow-up path for response `id` with `action` ('' or '/cancel', '/input_items'). */
export function followUpPath(routePath: string, id: string, action: string, clientUrl: string): string {
  const [base, configured] = splitQuery(routePath);
  const [, client] = splitQuery(clientUrl);
  const ours = params(configured);
  const names = new Set(ours.map(nameOf));
  const query = [...ours, ...params(client).filter((p) => !names.has(nameOf(p)))].join('&');
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(id)}${action}${query ? `?${query}` : ''}`;
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
