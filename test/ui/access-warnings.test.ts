/** What the review says a draft does to access (admin/ui/src/access-warnings.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessWarnings } from '../../admin/ui/js/access-warnings.js';

const here = { hostname: 'old.example', port: 8443 };
const cfg = (
  caddy: Record<string, unknown>,
  adminAuth: Record<string, unknown> = { enabled: true, username: 'admin' },
) => ({
  server: { caddy, adminAuth },
});

test('replacing the domain the console is open on names the new admin address and what stops working', () => {
  const w = accessWarnings(cfg({ domains: ['old.example'] }), cfg({ domains: ['new.example'] }), here);
  assert.deepEqual(w, [
    { key: 'access.domainsAdded', params: { names: 'new.example' } },
    {
      key: 'access.adminMoves',
      params: { url: 'https://new.example:8443/admin', current: 'https://old.example:8443/admin' },
    },
    { key: 'access.domainsRemoved', params: { names: 'old.example' } },
    { key: 'access.staged', params: {} },
  ]);
});

test('moving HTTPS to 443 drops the port from the new address and asks for a confirmation', () => {
  const w = accessWarnings(
    cfg({ domains: ['old.example'], httpsPort: 8443 }),
    cfg({ domains: ['old.example'], httpsPort: 443 }),
    here,
  );
  assert.deepEqual(w, [
    {
      key: 'access.adminMoves',
      params: { url: 'https://old.example/admin', current: 'https://old.example:8443/admin' },
    },
    { key: 'access.portConfirm', params: { port: 443 } },
    { key: 'access.staged', params: {} },
  ]);
});

test('turning admin login off and renaming the user are said; other changes say nothing', () => {
  assert.deepEqual(accessWarnings(cfg({}), cfg({}, { enabled: false, username: 'admin' }), here), [
    { key: 'access.adminOff', params: {} },
  ]);
  assert.deepEqual(accessWarnings(cfg({}), cfg({}, { enabled: true, username: 'ops' }), here), [
    { key: 'access.userChanged', params: { user: 'ops' } },
  ]);
  assert.deepEqual(accessWarnings(cfg({ domains: ['old.example'] }), cfg({ domains: ['old.example'] }), here), []);
});
