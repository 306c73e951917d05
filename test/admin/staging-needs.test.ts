/** Which access changes are staged and what they wait for (admin/apply/access-change.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateConfig } from '../../common/config/validate.js';
import type { Config } from '../../common/config/schema.js';
import { stagingNeeds } from '../../admin/apply/access-change.js';
import type { CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';

const env: CaddyRenderEnv = {
  adminAddress: 'localhost:2999',
  storageRoot: '/var/lib/gw/caddy',
  logFile: '/run/gw/caddy.log',
  proxyPort: 3000,
  adminPort: 3001,
  httpsPort: 8443,
  httpPort: 8080,
  dnsModules: [],
};

function config(caddy: Record<string, unknown>): Config {
  const r = validateConfig({ server: { healthKey: 'health-key-0123456789abcdef', caddy }, upstreams: [], models: [] });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

const ports = { httpsPort: 8443, previousHttpsPort: 8443, httpPort: 8080, previousHttpPort: 8080 };

test('a new public name waits for its certificate; names already served do not', () => {
  assert.deepEqual(
    stagingNeeds(config({ domains: ['a.example'] }), config({ domains: ['a.example', 'b.example'] }), env),
    {
      certificates: ['b.example'],
      ...ports,
    },
  );
});

test('a new CA waits for a certificate of every public name', () => {
  const before = config({ domains: ['a.example', 'localhost'] });
  const after = config({ domains: ['a.example', 'localhost'], acme: { ca: 'staging' } });
  assert.deepEqual(stagingNeeds(before, after, env), { certificates: ['a.example'], ...ports });
});

test('a port move is staged without certificates; local-CA names and removals are applied at once', () => {
  assert.deepEqual(stagingNeeds(config({}), config({ httpsPort: 9443 }), env), {
    certificates: [],
    ...ports,
    httpsPort: 9443,
  });
  assert.equal(stagingNeeds(config({}), config({ domains: ['localhost', '10.0.0.5'] }), env), null);
  assert.equal(
    stagingNeeds(config({ domains: ['a.example', 'b.example'] }), config({ domains: ['a.example'] }), env),
    null,
  );
});
