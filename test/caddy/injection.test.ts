/**
 * No config or environment value can inject Caddyfile syntax. Each field is tried with braces,
 * newlines, quotes, `import`, `{env.SECRET}`, `{$HOME}`, a `(snippet)` key and a `}` that closes
 * the block and adds a route; each must be refused twice: by the JSON Schema (validateConfig) and
 * by the renderer when handed the unvalidated object, and no rendered output may carry it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { validateConfig } from '../../common/config/validate.js';
import type { Config } from '../../common/config/schema.js';
import { buildCaddyfileModel } from '../../admin/caddy/caddyfile-model.js';
import { CaddyfileRenderError, compileCaddyTemplate, renderCaddyfile, type CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';

const BASE_RAW = {
  server: {
    healthKey: 'hk-0123456789abcdef',
    caddy: {
      domain: 'proxy.example.com',
      domains: ['api.example.com'],
      email: 'ops@example.com',
      acme: {
        ca: 'https://ca.example.com/dir',
        caRoot: '/etc/gateway/ca-root.pem',
        dns: 'azure',
        azure: {
          subscriptionId: '00000000-0000-0000-0000-000000000000',
          resourceGroupName: 'rg-dns',
          tenantId: '11111111-1111-1111-1111-111111111111',
          clientId: '22222222-2222-2222-2222-222222222222',
          clientSecret: 'secret~value.0123',
        },
      },
    },
  },
};

const BASE_ENV: CaddyRenderEnv = {
  adminAddress: 'localhost:2019',
  storageRoot: '/var/lib/gateway/caddy',
  logFile: '/run/gateway/caddy.log',
  proxyPort: 3000,
  adminPort: 3001,
  httpsPort: 8443,
  httpPort: 8080,
  bindAddress: '127.0.0.1',
  dnsModules: ['dns.providers.azure'],
};

function baseConfig(): Config {
  const v = validateConfig(BASE_RAW);
  assert.ok(v.ok, 'the base config validates');
  return v.config;
}

/** Payloads that try to leave the token they are written into. */
const SYNTAX_PAYLOADS = [
  '{',
  '}',
  'x\nrespond / 200',
  'x\r\nimport foo',
  '"quoted"',
  "'single'",
  '`tick`',
  'import foo',
  '{env.SECRET}',
  '{$HOME}',
  '} respond / 200',
  '}\nrespond / 200\n{',
  'back\\slash',
  '# comment',
  'tab\there',
];
/** Payloads that are dangerous only as a whole token: `import` at a line start, a snippet key. */
const WHOLE_TOKEN_PAYLOADS = ['import', '(snippet)'];

interface Field {
  name: string;
  /** JSON pointer the issue must name. */
  path: string;
  /** A valid value the payload is appended to (so "valid prefix + syntax" is tried too). */
  valid: string;
  set: (config: Record<string, unknown>, value: unknown) => void;
}

/** Sets `value` at a JSON pointer inside a plain object. */
function setAt(target: Record<string, unknown>, pointer: string, value: unknown): void {
  const keys = pointer.split('/').slice(1);
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1] as string] = value;
}

const field = (name: string, path: string, valid: string): Field => ({ name, path, valid, set: (c, v) => setAt(c, path, v) });

const CONFIG_FIELDS: Field[] = [
  field('domain', '/server/caddy/domain', 'proxy.example.com'),
  field('domains[]', '/server/caddy/domains/0', 'api.example.com'),
  field('email', '/server/caddy/email', 'ops@example.com'),
  field('acme.ca', '/server/caddy/acme/ca', 'https://ca.example.com/dir'),
  field('acme.caRoot', '/server/caddy/acme/caRoot', '/etc/gateway/ca-root.pem'),
  field('healthKey', '/server/healthKey', 'hk-0123456789abcdef'),
  field('azure.subscriptionId', '/server/caddy/acme/azure/subscriptionId', '00000000-0000-0000-0000-000000000000'),
  field('azure.resourceGroupName', '/server/caddy/acme/azure/resourceGroupName', 'rg-dns'),
  field('azure.tenantId', '/server/caddy/acme/azure/tenantId', '11111111-1111-1111-1111-111111111111'),
  field('azure.clientId', '/server/caddy/acme/azure/clientId', '22222222-2222-2222-2222-222222222222'),
  field('azure.clientSecret', '/server/caddy/acme/azure/clientSecret', 'secret~value.0123'),
];

function attempts(f: Field): string[] {
  return [...SYNTAX_PAYLOADS, ...WHOLE_TOKEN_PAYLOADS, ...SYNTAX_PAYLOADS.map((p) => f.valid + p)];
}

function renderWith(config: Config, env: CaddyRenderEnv = BASE_ENV): string {
  return renderCaddyfile(config, env);
}

function assertRenderRefuses(config: Config, env: CaddyRenderEnv, path: string, payload: string): void {
  let output: string | undefined;
  try {
    output = renderWith(config, env);
  } catch (err) {
    assert.ok(err instanceof CaddyfileRenderError, `expected CaddyfileRenderError, got ${String(err)}`);
    assert.ok(err.issues.some((i) => i.path === path), `no issue at ${path}: ${JSON.stringify(err.issues)}`);
    assert.ok(!err.message.includes(payload) || payload.length < 3, 'the error message does not echo the payload');
    return;
  }
  assert.fail(`rendered despite ${JSON.stringify(payload)} at ${path}; output contains it: ${String(output.includes(payload))}`);
}

test('the base config renders', () => {
  const out = renderWith(baseConfig());
  assert.match(out, /dns azure \{/);
});

for (const f of CONFIG_FIELDS) {
  for (const payload of attempts(f)) {
    const label = `${f.name} = ${JSON.stringify(payload)}`;
    test(`schema refuses ${label}`, () => {
      const raw = structuredClone(BASE_RAW) as unknown as Record<string, unknown>;
      f.set(raw, payload);
      const v = validateConfig(raw);
      assert.equal(v.ok, false);
    });

    test(`renderer refuses ${label} in an unvalidated config`, () => {
      const config = baseConfig() as unknown as Record<string, unknown>;
      f.set(config, payload);
      assertRenderRefuses(config as unknown as Config, BASE_ENV, f.path, payload);
    });
  }
}

const PORT_PAYLOADS: unknown[] = ['443 {', '{$PORT}', '8443\nimport foo', 443.5, -1, 0, 65536, '8443'];
for (const name of ['httpsPort', 'httpPort'] as const) {
  for (const payload of PORT_PAYLOADS) {
    const path = `/server/caddy/${name}`;
    test(`schema and renderer refuse ${name} = ${JSON.stringify(payload)}`, () => {
      const raw = structuredClone(BASE_RAW) as unknown as Record<string, unknown>;
      setAt(raw, path, payload);
      assert.equal(validateConfig(raw).ok, false);
      const config = baseConfig() as unknown as Record<string, unknown>;
      setAt(config, path, payload);
      assertRenderRefuses(config as unknown as Config, BASE_ENV, path, String(payload));
    });
  }
}

const ENV_FIELDS: { key: keyof CaddyRenderEnv; path: string; valid: string }[] = [
  { key: 'adminAddress', path: 'env:CADDY_ADMIN', valid: 'localhost:2019' },
  { key: 'storageRoot', path: 'env:storageRoot', valid: '/var/lib/gateway/caddy' },
  { key: 'logFile', path: 'env:logFile', valid: '/run/gateway/caddy.log' },
  { key: 'bindAddress', path: 'env:bindAddress', valid: '127.0.0.1' },
];
for (const e of ENV_FIELDS) {
  test(`renderer refuses injection through env ${e.key}`, () => {
    for (const payload of [...SYNTAX_PAYLOADS, ...WHOLE_TOKEN_PAYLOADS, ...SYNTAX_PAYLOADS.map((p) => e.valid + p)]) {
      assertRenderRefuses(baseConfig(), { ...BASE_ENV, [e.key]: payload }, e.path, payload);
    }
  });
}

test('the admin API address must stay on loopback', () => {
  for (const admin of ['0.0.0.0:2019', '10.0.0.5:2019', 'example.com:2019', ':2019', 'localhost:99999', 'localhost:0']) {
    assertRenderRefuses(baseConfig(), { ...BASE_ENV, adminAddress: admin }, 'env:CADDY_ADMIN', admin);
  }
});

test('a rendered value never changes the Caddyfile structure (property)', () => {
  const baseline = renderWith(baseConfig());
  const count = (s: string, re: RegExp): number => s.match(re)?.length ?? 0;
  const alphabet = fc.constantFrom(...'aZ09.-_~{}"\'`#\\$()\n\r\t ;:/@%+=*!?<>|&'.split(''));
  const value = fc.oneof(fc.string(), fc.string({ unit: alphabet, minLength: 1, maxLength: 40 }));
  const targets = ['/server/caddy/domain', '/server/caddy/email', '/server/healthKey', '/server/caddy/acme/azure/clientSecret', '/server/caddy/acme/ca'];
  fc.assert(
    fc.property(fc.constantFrom(...targets), value, (path, v) => {
      const config = baseConfig() as unknown as Record<string, unknown>;
      setAt(config, path, v);
      let out: string;
      try {
        out = renderWith(config as unknown as Config);
      } catch (err) {
        return err instanceof CaddyfileRenderError;
      }
      // Accepted: same lines (unless an optional value was cleared), same blocks, and the value
      // carries no syntax character.
      return (v === '' || count(out, /\n/g) === count(baseline, /\n/g)) &&
        count(out, /[{}]/g) === count(baseline, /[{}]/g) &&
        !/[\s"'`{}#\\;]/u.test(v);
    }),
    { numRuns: 2000 },
  );
});

test('a template may print values only through {{arg}}', () => {
  for (const bad of ['{{global.admin}}', '{{{global.admin}}}', '{{arg "literal"}}', '{{lookup global "admin"}}', '{{#with global}}x{{/with}}', '{{arg (lookup global "admin")}}', '{{*decorator}}']) {
    assert.throws(() => compileCaddyTemplate(bad), /Caddyfile template|not allowed|only/u, bad);
  }
  assert.throws(() => compileCaddyTemplate('{{arg global.admin}}', { p: '{{global.admin}}' }), /only \{\{arg value\}\}/u);
  const ok = compileCaddyTemplate('admin {{arg global.admin}}\n');
  assert.equal(ok(buildCaddyfileModel(baseConfig(), BASE_ENV)), 'admin localhost:2019\n');
});

test('a token interpolated without {{arg}} throws instead of printing', () => {
  const model = buildCaddyfileModel(baseConfig(), BASE_ENV);
  assert.throws(() => `${String(model.global.admin)}`, /\{\{arg/u);
  assert.throws(() => '' + (model.global.admin as unknown as string), /\{\{arg/u);
  assert.equal(JSON.stringify(model.global.admin), '"[CaddyToken]"');
});

test('DNS-01 without the Azure module is refused with a clear message', () => {
  assert.throws(
    () => renderWith(baseConfig(), { ...BASE_ENV, dnsModules: [] }),
    (err: unknown) => err instanceof CaddyfileRenderError &&
      err.issues.some((i) => i.message === 'DNS-01 needs a Caddy built with the Azure DNS module (dns.providers.azure)'),
  );
});

test('rendering needs the health key', () => {
  const config = baseConfig();
  delete config.server.healthKey;
  assert.throws(() => renderWith(config), (err: unknown) => err instanceof CaddyfileRenderError && err.issues.some((i) => i.path === '/server/healthKey'));
});
