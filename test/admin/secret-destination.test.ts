/**
 * Stored secrets follow their destination (admin/config/secret-destinations.ts): saving the masked
 * config with an upstream's scheme, host or port changed — or the sign-in authority, the DNS
 * tenant, or a new upstream served by the global api-key — does not carry the stored secret over;
 * the save is refused until the secret is entered again. A path change keeps it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashPassword } from '../../common/password-hash.js';
import { unmaskIncoming } from '../../admin/config/edit.js';
import { MASK } from '../../admin/config/secrets.js';
import { basic } from '../harness/admin-stack.js';
import { startAdminAppWith } from '../harness/admin-app.js';

const PASSWORD = 'pw-for-destination-tests';
const UPSTREAM_KEY = 'stored-upstream-api-key-0001';
const GLOBAL_KEY = 'stored-global-api-key-0002';

interface UpstreamFixture {
  name: string;
  baseUrl: string;
  auth?: {
    mode: string;
    apiKey?: string;
    tenantId?: string;
    clientId?: string;
    clientSecret?: string;
    authorityHost?: string;
  };
}
interface Fixture {
  server: {
    healthKey: string;
    adminAuth?: unknown;
    caddy: {
      acme: {
        dns: string;
        azure: {
          subscriptionId: string;
          resourceGroupName: string;
          tenantId: string;
          clientId: string;
          clientSecret: string;
        };
      };
    };
  };
  auth: { mode: string; apiKey: string };
  upstreams: UpstreamFixture[];
  models: Array<{ id: string; upstream: string }>;
}

/** Upstream `i` of `c` with its auth block (every fixture upstream but the last has one). */
function up(c: Fixture, i: number): Required<UpstreamFixture> {
  const u = c.upstreams[i];
  if (!u?.auth) throw new Error(`fixture upstream ${i} has no auth`);
  return u as Required<UpstreamFixture>;
}

function stored(): Fixture {
  return {
    server: {
      healthKey: 'health-key-0123456789abcdef',
      caddy: {
        acme: {
          dns: 'none',
          azure: {
            subscriptionId: '00000000-0000-0000-0000-000000000001',
            resourceGroupName: 'rg',
            tenantId: '00000000-0000-0000-0000-000000000002',
            clientId: '00000000-0000-0000-0000-000000000003',
            clientSecret: 'stored-dns-secret-0003',
          },
        },
      },
    },
    auth: { mode: 'apiKey', apiKey: GLOBAL_KEY },
    upstreams: [
      { name: 'keyed', baseUrl: 'https://a.example', auth: { mode: 'apiKey', apiKey: UPSTREAM_KEY } },
      {
        name: 'sp',
        baseUrl: 'https://b.example',
        auth: { mode: 'servicePrincipal', tenantId: 't', clientId: 'c', clientSecret: 'stored-sp-secret-0004' },
      },
      { name: 'shared', baseUrl: 'https://c.example' },
    ],
    models: [{ id: 'm', upstream: 'keyed' }],
  };
}

/** The stored config as the admin API shows it: every secret masked. */
function masked(): Fixture {
  const c = stored();
  c.server.caddy.acme.azure.clientSecret = MASK;
  c.auth.apiKey = MASK;
  up(c, 0).auth.apiKey = MASK;
  up(c, 1).auth.clientSecret = MASK;
  return c;
}

function issuesOf(fn: () => unknown): Array<{ path: string; message: string }> {
  try {
    fn();
  } catch (err) {
    return (err as { body?: { issues?: Array<{ path: string; message: string }> } }).body?.issues ?? [];
  }
  return [];
}

const MOVED =
  'is the mask "********", but where this secret is sent has changed (scheme, host or port of an upstream, the sign-in authority, or the DNS tenant): enter the secret again';

test('PUT with an upstream pointed at another host keeps no stored secret: 400 naming it, nothing saved', async (t) => {
  const config: Fixture = stored();
  config.server.adminAuth = { enabled: true, username: 'ops', passwordHash: await hashPassword(PASSWORD) };
  const { app } = await startAdminAppWith(t, config);
  const auth = { authorization: basic('ops', PASSWORD) };
  const got = await app.inject({ method: 'GET', url: '/admin/api/config', headers: auth });
  const body = got.json<Fixture>();
  assert.equal(up(body, 0).auth.apiKey, MASK);
  up(body, 0).baseUrl = 'https://attacker.example';
  const put = await app.inject({
    method: 'PUT',
    url: '/admin/api/config',
    headers: { ...auth, 'if-match': String(got.headers.etag), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
  assert.equal(put.statusCode, 400);
  assert.deepEqual(put.json<{ error: { code: string }; issues: unknown }>().issues, [
    { path: '/upstreams/0/auth/apiKey', message: MOVED },
  ]);
  const after = await app.inject({ method: 'GET', url: '/admin/api/config', headers: auth });
  assert.equal(after.headers.etag, got.headers.etag, 'nothing was written');
});

test('which changes drop a stored secret, and which keep it', () => {
  const cases: Array<[string, (c: Fixture) => void, string[]]> = [
    ['another scheme', (c) => (up(c, 0).baseUrl = 'http://a.example'), ['/upstreams/0/auth/apiKey']],
    ['another port', (c) => (up(c, 0).baseUrl = 'https://a.example:8443'), ['/upstreams/0/auth/apiKey']],
    [
      'another host for a service principal',
      (c) => (up(c, 1).baseUrl = 'https://x.example'),
      ['/upstreams/1/auth/clientSecret'],
    ],
    [
      'another sign-in authority',
      (c) => (up(c, 1).auth.authorityHost = 'https://login.attacker.example'),
      ['/upstreams/1/auth/clientSecret'],
    ],
    [
      'a new upstream served by the global api-key',
      (c) => c.upstreams.push({ name: 'new', baseUrl: 'https://attacker.example' }),
      ['/auth/apiKey'],
    ],
    [
      'the shared upstream moved',
      (c) => c.upstreams.splice(2, 1, { name: 'shared', baseUrl: 'https://attacker.example' }),
      ['/auth/apiKey'],
    ],
    [
      'another DNS tenant',
      (c) => (c.server.caddy.acme.azure.tenantId = '00000000-0000-0000-0000-0000000000ff'),
      ['/server/caddy/acme/azure/clientSecret'],
    ],
    ['a path on the same host', (c) => (up(c, 0).baseUrl = 'https://A.example:443/openai/'), []],
    ['an upstream removed', (c) => c.upstreams.splice(2, 1), []],
  ];
  for (const [what, change, expected] of cases) {
    const incoming = masked();
    change(incoming);
    assert.deepEqual(
      issuesOf(() => unmaskIncoming(incoming, stored())).map((i) => i.path),
      expected,
      what,
    );
  }
});

test('the secret entered again is accepted, and a kept one is restored', () => {
  const incoming = masked();
  up(incoming, 0).baseUrl = 'https://new-home.example';
  up(incoming, 0).auth.apiKey = 'a-new-key-typed-by-the-admin';
  const out = unmaskIncoming(incoming, stored()) as Fixture;
  assert.equal(up(out, 0).auth.apiKey, 'a-new-key-typed-by-the-admin');
  assert.equal(up(out, 1).auth.clientSecret, 'stored-sp-secret-0004');
  assert.equal(out.auth.apiKey, GLOBAL_KEY);
});
