/**
 * GET/PUT /admin/api/config without Caddy in the loop: every secret is masked and an ETag sent;
 * PUT needs If-Match (428) and a current one (412); an invalid config or an unknown mask is a 400
 * with a `{path,message}` list and leaves the files untouched; an identical save is a no-op; a
 * config that cannot be rendered is a 400 from the render step; Caddy not answering fails the
 * dry run with nothing written. Also the schema endpoint.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { test } from 'node:test';
import { ConfigSchema } from '../../common/config/schema.js';
import { hashClientKey } from '../../common/key-hash.js';
import { MASK, secretValues } from '../../admin/config/secrets.js';
import { basic, startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY, HEALTH_KEY, SIM_API_KEY } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;
interface ErrorBody {
  error: { message: string; type: string; code: string };
  issues?: { path: string; message: string }[];
  step?: string;
  rolledBack?: boolean;
}

test('the config API validates, masks and guards writes', { timeout: 60_000 }, async (t) => {
  // No Caddy: its admin port is free, so any apply that gets as far as /adapt fails there.
  const stack = await startAdminStack(t, {
    configure: (config) => {
      (config.auth as Json).clientSecret = 'global-client-secret-value';
      // Stored as hashes already: a file with plaintext keys is rewritten by its first save, never a no-op.
      config.apiKeys = (config.apiKeys as Json[]).map(({ key, ...rest }) => ({ ...rest, keyHash: hashClientKey(String(key)) }));
      (config.upstreams as Json[]).push({ name: 'sp', baseUrl: 'https://sp.invalid/', auth: { mode: 'servicePrincipal', tenantId: 't', clientId: 'c', clientSecret: 'sp-client-secret-value' } });
    },
  });
  const originalText = await readFile(stack.store.configFile, 'utf8');
  const secrets = secretValues(JSON.parse(originalText));
  const unchangedFiles = async () => {
    assert.equal(await readFile(stack.store.configFile, 'utf8'), originalText);
    await assert.rejects(stat(stack.store.caddyfile), /ENOENT/, 'no Caddyfile was written');
    await assert.rejects(stat(`${stack.store.configFile}.bak`), /ENOENT/, 'no backup was made');
  };
  const get = async () => {
    const r = await stack.api('GET', '/admin/api/config');
    return { r, config: r.json<Json>(), etag: String(r.headers.etag) };
  };

  await t.test('GET masks every secret and sends an ETag', async () => {
    const { r, config, etag } = await get();
    assert.equal(r.statusCode, 200);
    assert.match(etag, /^"[0-9a-f]{64}"$/);
    assert.ok(secrets.length >= 6, 'the fixture has secrets of every kind');
    for (const s of [...secrets, CLIENT_KEY, HEALTH_KEY, SIM_API_KEY]) assert.ok(!r.body.includes(s), `GET leaks ${s.slice(0, 6)}…`);
    const server = config.server as { healthKey: string; adminAuth: Json };
    assert.equal(server.healthKey, MASK);
    assert.equal(server.adminAuth.passwordHash, MASK);
    assert.equal((config.auth as Json).clientSecret, MASK);
    assert.ok((config.apiKeys as Json[]).every((k) => k.keyHash === MASK && k.key === undefined));
  });

  await t.test('PUT without If-Match is 428, with a stale one 412', async () => {
    const { config } = await get();
    const missing = await stack.api('PUT', '/admin/api/config', { body: config });
    assert.equal(missing.statusCode, 428);
    assert.equal(missing.json<ErrorBody>().error.code, 'if_match_required');
    const stale = await stack.api('PUT', '/admin/api/config', { body: config, headers: { 'if-match': `"${'0'.repeat(64)}"` } });
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.json<ErrorBody>().error.code, 'stale_config');
    await unchangedFiles();
  });

  await t.test('an invalid config is a 400 listing every problem, and nothing is written', async () => {
    const { config, etag } = await get();
    const bad = structuredClone(config);
    (bad.models as Json[]).push({ id: 'broken', upstream: 'nowhere' });
    (bad.server as Json).bogus = true;
    const r = await stack.api('PUT', '/admin/api/config', { body: bad, headers: { 'if-match': etag } });
    assert.equal(r.statusCode, 400);
    const body = r.json<ErrorBody>();
    assert.equal(body.error.type, 'invalid_request_error');
    assert.equal(body.error.code, 'invalid_config');
    assert.deepEqual(body.issues, [{ path: '/server/bogus', message: 'is not a known setting' }]);
    delete (bad.server as Json).bogus;
    const r2 = await stack.api('PUT', '/admin/api/config', { body: bad, headers: { 'if-match': etag } });
    assert.deepEqual(r2.json<ErrorBody>().issues, [{ path: '/models/7/upstream', message: 'no upstream named "nowhere"' }]);
    await unchangedFiles();
  });

  await t.test('a mask with no stored secret behind it is a 400 at its JSON pointer', async () => {
    const { config, etag } = await get();
    const next = structuredClone(config);
    (next.upstreams as Json[]).push({ name: 'new', baseUrl: 'https://new.invalid/', auth: { mode: 'apiKey', apiKey: MASK } });
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': etag } });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json<ErrorBody>().issues?.map((i) => i.path), ['/upstreams/3/auth/apiKey']);
    await unchangedFiles();
  });

  await t.test('a config that cannot be rendered is a 400 from the render step', async () => {
    const { config, etag } = await get();
    const next = structuredClone(config);
    (next.server as { caddy: Json }).caddy.acme = { dns: 'azure', azure: { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroupName: 'rg-dns' } };
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': etag } });
    assert.equal(r.statusCode, 400, r.body);
    const body = r.json<ErrorBody>();
    assert.equal(body.error.code, 'invalid_config');
    assert.ok(body.issues?.some((i) => i.path === '/server/caddy/acme/dns' && /Azure DNS module/.test(i.message)), JSON.stringify(body.issues));
    await unchangedFiles();
  });

  await t.test('saving the stored config again is a no-op', async () => {
    const { config, etag } = await get();
    const r = await stack.api('PUT', '/admin/api/config', { body: config, headers: { 'if-match': etag } });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { unchanged: true, etag });
  });

  await t.test('Caddy not answering fails the dry run and writes nothing', async () => {
    const { config, etag } = await get();
    const next = structuredClone(config);
    (next.models as Json[]).push({ id: 'new-model', upstream: 'foundry' });
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': etag } });
    assert.equal(r.statusCode, 502, r.body);
    const body = r.json<ErrorBody>();
    assert.equal(body.error.code, 'apply_failed');
    assert.equal(body.step, 'caddy_adapt');
    assert.equal(body.rolledBack, true);
    assert.match(body.error.message, /ECONNREFUSED/);
    await unchangedFiles();
  });

  await t.test('the schema endpoint serves the shared JSON Schema', async () => {
    const r = await stack.api('GET', '/admin/api/schema');
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), JSON.parse(JSON.stringify(ConfigSchema)));
  });

  await t.test('unknown routes and bad JSON answer in OpenAI shape', async () => {
    const nf = await stack.api('GET', '/admin/api/nope');
    assert.equal(nf.statusCode, 404);
    assert.equal(nf.json<ErrorBody>().error.code, 'not_found');
    const { etag } = await get();
    const bad = await stack.admin.inject({ method: 'PUT', url: '/admin/api/config', payload: '{"x":', headers: { 'content-type': 'application/json', 'if-match': etag, authorization: basic() } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json<ErrorBody>().error.code, 'invalid_json');
  });
});
