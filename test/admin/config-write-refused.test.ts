/**
 * PUT /admin/api/config refusals, each leaving config.json byte-identical and writing no Caddyfile
 * or backup: no If-Match (428) or a stale one (412); an invalid config, or a mask with no stored
 * secret behind it, as a 400 listing every problem at its JSON pointer; a config that cannot be
 * rendered as a 400 from the render step; and Caddy not answering the dry run (502).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MASK } from '../../admin/config/secrets.js';
import { startSecretsStack } from '../harness/admin-secrets-config.js';

type Json = Record<string, unknown>;
interface ErrorBody {
  error: { message: string; type: string; code: string };
  issues?: { path: string; message: string }[];
  step?: string;
  rolledBack?: boolean;
}

test('refused config writes leave the files untouched', { timeout: 60_000 }, async (t) => {
  const { stack, unchangedFiles } = await startSecretsStack(t);

  await t.test('PUT without If-Match is 428, with a stale one 412', async () => {
    const { config } = await stack.currentConfig();
    const missing = await stack.api('PUT', '/admin/api/config', { body: config });
    assert.equal(missing.statusCode, 428);
    assert.equal(missing.json<ErrorBody>().error.code, 'if_match_required');
    const stale = await stack.api('PUT', '/admin/api/config', {
      body: config,
      headers: { 'if-match': `"${'0'.repeat(64)}"` },
    });
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.json<ErrorBody>().error.code, 'stale_config');
    await unchangedFiles();
  });

  await t.test('an invalid config is a 400 listing every problem, and nothing is written', async () => {
    const { config, etag } = await stack.currentConfig();
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
    assert.deepEqual(r2.json<ErrorBody>().issues, [
      { path: '/models/7/upstream', message: 'no upstream named "nowhere"' },
    ]);
    await unchangedFiles();
  });

  await t.test('a mask with no stored secret behind it is a 400 at its JSON pointer', async () => {
    const { config, etag } = await stack.currentConfig();
    const next = structuredClone(config);
    (next.upstreams as Json[]).push({
      name: 'new',
      baseUrl: 'https://new.invalid/',
      auth: { mode: 'apiKey', apiKey: MASK },
    });
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': etag } });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(
      r.json<ErrorBody>().issues?.map((i) => i.path),
      ['/upstreams/3/auth/apiKey'],
    );
    await unchangedFiles();
  });

  await t.test('a config that cannot be rendered is a 400 from the render step', async () => {
    const { config, etag } = await stack.currentConfig();
    const next = structuredClone(config);
    (next.server as { caddy: Json }).caddy.acme = {
      dns: 'azure',
      azure: { subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroupName: 'rg-dns' },
    };
    const r = await stack.api('PUT', '/admin/api/config', { body: next, headers: { 'if-match': etag } });
    assert.equal(r.statusCode, 400, r.body);
    const body = r.json<ErrorBody>();
    assert.equal(body.error.code, 'invalid_config');
    assert.ok(
      body.issues?.some((i) => i.path === '/server/caddy/acme/dns' && /Azure DNS module/.test(i.message)),
      JSON.stringify(body.issues),
    );
    await unchangedFiles();
  });

  await t.test('Caddy not answering fails the dry run and writes nothing', async () => {
    const { config, etag } = await stack.currentConfig();
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
});
