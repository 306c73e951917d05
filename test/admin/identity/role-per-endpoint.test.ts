/**
 * Each role against each endpoint of the table: a role at or above the endpoint's minimum gets
 * past the role check (whatever the endpoint then answers), a lower one gets 403 `role_refused`,
 * and nobody unauthenticated gets in. Driven by the table itself, so a new endpoint is covered.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENDPOINT_ROLES } from '../../../admin/identity/endpoint-roles.js';
import { atLeast, ROLES } from '../../../admin/identity/roles.js';
import { bearer, createToken, startIdentityApp } from '../../harness/admin-identity.js';

function concrete(pattern: string): string {
  return pattern.replace(/:[a-z]+/g, 'nobody').replace(/\*$/, 'x');
}

test('every endpoint allows its role and above and refuses the roles below', { timeout: 60_000 }, async (t) => {
  const { app } = await startIdentityApp(t);
  const tokens = Object.fromEntries(
    await Promise.all(ROLES.map(async (role) => [role, (await createToken(app, role)).token] as const)),
  );
  for (const [endpoint, need] of Object.entries(ENDPOINT_ROLES)) {
    const [method = '', pattern = ''] = endpoint.split(' ');
    const url = concrete(pattern);
    if (need === 'public') {
      const r = await app.inject({ method: method as 'GET', url });
      assert.notEqual(r.statusCode, 401, `${endpoint} is reachable before signing in`);
      continue;
    }
    const anon = await app.inject({ method: method as 'GET', url });
    assert.equal(anon.statusCode, 401, `${endpoint} without credentials`);
    for (const role of ROLES) {
      const r = await app.inject({
        method: method as 'GET',
        url,
        headers: { authorization: bearer(tokens[role] ?? '') },
      });
      const code = r.headers['content-type']?.includes('json')
        ? r.json<{ error?: { code?: string } }>().error?.code
        : undefined;
      if (atLeast(role, need)) {
        assert.notEqual(r.statusCode, 401, `${role} on ${endpoint}: ${r.body}`);
        assert.notEqual(code, 'role_refused', `${role} may call ${endpoint}: ${r.body}`);
      } else {
        assert.equal(r.statusCode, 403, `${role} may not call ${endpoint}: ${r.body}`);
        assert.equal(code, 'role_refused');
      }
    }
  }
});
