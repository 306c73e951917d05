/**
 * The one table of admin endpoints and the least role each needs (docs/admin-api.md, "Roles per
 * endpoint"). Every route the admin registers must be listed: a route missing here is refused to
 * everyone (and test/admin/endpoint-roles-complete.test.ts fails), so a new endpoint is never
 * open by accident. `public` routes are the sign-in steps themselves.
 */
import type { AdminRole } from './roles.js';

/** What an endpoint needs: a role, or nothing (the sign-in steps). */
export type EndpointNeed = AdminRole | 'public';

/** `METHOD /route/pattern` (Fastify's pattern) → the least role. */
export const ENDPOINT_ROLES: Readonly<Record<string, EndpointNeed>> = {
  // Sign-in: reachable before anyone has signed in.
  'GET /admin/login': 'public',
  'GET /admin/login.css': 'public',
  'GET /admin/auth/oidc/start': 'public',
  'GET /admin/auth/oidc/callback': 'public',
  'POST /admin/auth/logout': 'public',
  // The local account's Basic challenge, then the UI.
  'GET /admin/auth/local': 'viewer',
  // The UI's files: anyone signed in.
  'GET /admin': 'viewer',
  'GET /admin/*': 'viewer',
  'GET /admin/build/:version/*': 'viewer',
  'GET /admin/assets/*': 'viewer',
  'GET /admin/api/version': 'viewer',
  'GET /admin/api/me': 'viewer',
  // Reading: secrets are masked in every answer.
  'GET /admin/api/config': 'viewer',
  'GET /admin/api/schema': 'viewer',
  'GET /admin/api/keys': 'viewer',
  'GET /admin/api/teams': 'viewer',
  'GET /admin/api/audit': 'viewer',
  'GET /admin/api/usage': 'viewer',
  'GET /admin/api/targets': 'viewer',
  'GET /admin/api/logs': 'viewer',
  'GET /admin/api/requests': 'viewer',
  'GET /admin/api/caddy/status': 'viewer',
  'GET /admin/api/dns-providers': 'viewer',
  'GET /admin/api/identity': 'viewer',
  'GET /admin/api/staged-change': 'viewer',
  // Keys, teams, models (an operator's PUT of the config may change only those: config-scope.ts).
  'PUT /admin/api/config': 'operator',
  'POST /admin/api/keys': 'operator',
  'PATCH /admin/api/keys/:id': 'operator',
  'POST /admin/api/keys/:id/rotate': 'operator',
  'POST /admin/api/keys/:id/revoke': 'operator',
  'DELETE /admin/api/keys/:id': 'operator',
  'POST /admin/api/teams': 'operator',
  'PATCH /admin/api/teams/:id': 'operator',
  'DELETE /admin/api/teams/:id': 'operator',
  'POST /admin/api/upstreams/:name/verify': 'operator',
  'GET /admin/api/tokens': 'operator',
  'POST /admin/api/tokens': 'operator',
  'DELETE /admin/api/tokens/:id': 'operator',
  // Everything: re-applying the file on disk, the sign-in settings.
  'POST /admin/api/reload': 'owner',
  'PUT /admin/api/identity': 'owner',
  // Domains, TLS and ports: confirming or undoing a staged change (docs/caddy.md, "Staged changes").
  'POST /admin/api/staged-change/confirm': 'owner',
  'POST /admin/api/staged-change/cancel': 'owner',
};

/** What `method` on Fastify route `url` needs; undefined for a route not in the table (refused). */
export function endpointNeed(method: string, url: string | undefined): EndpointNeed | undefined {
  // HEAD is answered by the GET route (Fastify's exposeHeadRoutes).
  const m = method === 'HEAD' ? 'GET' : method;
  return url === undefined ? undefined : ENDPOINT_ROLES[`${m} ${url}`];
}
