/**
 * The endpoint table is the whole admin: every route the admin registers is in it (a new route
 * not listed would be refused to everyone), and every entry of it is a registered route.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENDPOINT_ROLES } from '../../../admin/identity/endpoint-roles.js';
import { startIdentityApp } from '../../harness/admin-identity.js';

test('the endpoint table lists exactly the routes the admin registers', async (t) => {
  const { app } = await startIdentityApp(t);
  await app.ready();
  assert.deepEqual([...new Set(app.adminRoutes)].sort(), Object.keys(ENDPOINT_ROLES).sort());
});
