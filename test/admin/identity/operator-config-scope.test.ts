/**
 * An operator's PUT of the whole config may change keys, teams and models only: a change to the
 * server settings, the upstreams or the upstream credentials is refused with 403 and one issue per
 * section, and nothing is applied.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { bearer, createToken, startIdentityApp } from '../../harness/admin-identity.js';

test("an operator's config save that touches owner settings is refused, naming them", async (t) => {
  const { app, dir } = await startIdentityApp(t);
  const { token } = await createToken(app, 'operator');
  const got = await app.inject({ method: 'GET', url: '/admin/api/config', headers: { authorization: bearer(token) } });
  assert.equal(got.statusCode, 200);
  const config = got.json<{ server: Record<string, unknown>; auth?: unknown }>();
  config.server.caddy = { domain: 'evil.example.com' };
  config.auth = { mode: 'apiKey', apiKey: 'stolen' };
  const before = await readFile(path.join(dir, 'config.json'), 'utf8');
  const r = await app.inject({
    method: 'PUT',
    url: '/admin/api/config',
    headers: { authorization: bearer(token), 'if-match': got.headers.etag ?? '' },
    payload: config,
  });
  assert.equal(r.statusCode, 403, r.body);
  const body = r.json<{ error: { code: string }; issues: { path: string; message: string }[] }>();
  assert.equal(body.error.code, 'role_refused');
  assert.deepEqual(
    body.issues.map((i) => i.path),
    ['/auth', '/server'],
  );
  assert.match(body.issues[0]?.message ?? '', /only an owner may change it/);
  assert.equal(await readFile(path.join(dir, 'config.json'), 'utf8'), before);
});
