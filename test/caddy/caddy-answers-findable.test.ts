/**
 * The request search lists client requests Caddy answered itself (its 413 beyond the body limit,
 * its 502/503 with the proxy down, when the search still answers), from its access log, without
 * listing twice those the proxy answered; and the admin UI's polling reads are kept out of the
 * access log while other admin requests are in it.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { basic, startAdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY, HELLO } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;

test("Caddy's own answers are found; the admin's polling is not logged", { timeout: 60_000 }, async (t) => {
  const stack = await startAdminStack(t, {
    caddy: true,
    configure: (config) => {
      (config.server as Json).bodyLimitBytes = 1024;
    },
  });
  const search = async (query: string) => {
    const r = await stack.api('GET', `/admin/api/requests?${query}`);
    assert.equal(r.statusCode, 200, r.body);
    return r.json<{ records: Json[] }>().records;
  };

  await t.test("a declared body beyond Caddy's limit (the proxy's + 1 MiB) is found, whoever answered", async () => {
    const big = JSON.stringify({ ...HELLO, messages: [{ role: 'user', content: 'x'.repeat(2 * 1024 * 1024) }] });
    const r = await stack.viaCaddy('/v1/chat/completions', {
      key: CLIENT_KEY,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'find-caddy-413' },
      body: big,
    });
    assert.equal(r.status, 413);
    // A race (docs/usage-and-metrics.md, "Request log"): the proxy refuses on the Content-Length,
    // Caddy once it has read past its limit. The proxy saw the request either way.
    const byProxy = async () => (await search('id=find-caddy-413')).find((x) => x.source === 'proxy');
    await waitUntil(async () => (await byProxy()) !== undefined, 10_000, "the proxy's 413 in the search");
    assert.equal((await byProxy())?.status, 413);
    if (r.headers['x-request-id'] === 'find-caddy-413') {
      // The proxy's answer reached the client: Caddy's line for it is not listed a second time.
      await waitUntil(
        async () => (await readFile(stack.renderEnv.logFile, 'utf8')).includes('find-caddy-413'),
        10_000,
        'the 413 in the access log',
      );
      assert.deepEqual(
        (await search('id=find-caddy-413')).map((x) => x.source),
        ['proxy'],
      );
      return;
    }
    assert.equal(r.headers['x-request-id'], undefined, 'Caddy answered, not the proxy');
    const byCaddy = async () => (await search('id=find-caddy-413')).find((x) => x.source === 'caddy');
    await waitUntil(async () => (await byCaddy()) !== undefined, 10_000, "Caddy's 413 in the search");
    const record = (await search('status=413')).find((x) => x.source === 'caddy');
    assert.deepEqual(
      [record?.id, record?.method, record?.path, record?.error],
      ['find-caddy-413', 'POST', '/v1/chat/completions', 'answered_by_caddy'],
    );
    assert.ok((await search('status=4xx')).some((x) => x.id === 'find-caddy-413' && x.source === 'caddy'));
  });

  await t.test('a request the proxy answered is listed once', async () => {
    const r = await stack.viaCaddy('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'find-proxy-401' },
      body: JSON.stringify(HELLO),
    });
    assert.equal(r.status, 401);
    await waitUntil(
      async () => (await readFile(stack.renderEnv.logFile, 'utf8')).includes('find-proxy-401'),
      10_000,
      'the 401 in the access log',
    );
    const found = await search('id=find-proxy-401');
    assert.deepEqual(
      found.map((x) => [x.source, x.status]),
      [['proxy', 401]],
    );
  });

  await t.test("the UI's polling reads are not in the access log; other admin requests are", async () => {
    const admin = { authorization: basic() };
    assert.equal((await stack.viaCaddy('/admin/api/targets', { headers: admin })).status, 200);
    assert.equal((await stack.viaCaddy('/admin/api/usage', { headers: admin })).status, 200);
    assert.equal((await stack.viaCaddy('/admin/api/keys', { headers: admin })).status, 200);
    await waitUntil(
      async () => (await readFile(stack.renderEnv.logFile, 'utf8')).includes('"uri":"/admin/api/keys"'),
      10_000,
      'the keys read in the access log',
    );
    const log = await readFile(stack.renderEnv.logFile, 'utf8');
    assert.ok(!log.includes('"uri":"/admin/api/targets"'), 'targets polling is not logged');
    assert.ok(!log.includes('"uri":"/admin/api/usage"'), 'usage polling is not logged');
  });

  await t.test("with the proxy down, Caddy's own answers are found and the search says the proxy is missing", async () => {
    await stack.harness.stop();
    const r = await stack.viaCaddy('/v1/chat/completions', {
      key: CLIENT_KEY,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'find-caddy-5xx' },
      body: JSON.stringify(HELLO),
    });
    // Caddy holds the request for lb_try_duration, then answers in OpenAI's shape.
    assert.ok([502, 503].includes(r.status), `status ${r.status}`);
    assert.equal(r.headers['x-request-id'], undefined, 'Caddy answered');
    const answer = async () => {
      const a = await stack.api('GET', '/admin/api/requests?id=find-caddy-5xx');
      assert.equal(a.statusCode, 200, a.body);
      return a.json<{ records: Json[]; proxy: Json }>();
    };
    await waitUntil(async () => (await answer()).records.length > 0, 10_000, "Caddy's 5xx in the search");
    const { records, proxy } = await answer();
    assert.deepEqual(
      records.map((x) => [x.source, x.status, x.method, x.path, x.error, typeof x.ms]),
      [['caddy', r.status, 'POST', '/v1/chat/completions', 'answered_by_caddy', 'number']],
    );
    assert.equal(typeof proxy.unavailable, 'string', 'the answer says the proxy could not be read');
    assert.ok(!(await search('status=5xx&key=main')).some((x) => x.source === 'caddy'), 'Caddy knows no key');
  });
});
