/**
 * Every kind of refused or failed client request is in the request log and found through the
 * admin API (GET /admin/api/requests) by the request id the client saw, by its status and by its
 * status class: 401, 403, 404, 413, 415, a key's limit (429), a cooled-down target (429, credited
 * to that target though it was not called), an upstream 5xx, and a client that left (status 0).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, fetch as undiciFetch } from 'undici';
import { startAdminStack, type AdminStack } from '../harness/admin-stack.js';
import { CLIENT_KEY, HELLO, LIMITED_KEY } from '../harness/proxy-harness.js';
import { waitUntil } from '../harness/ports.js';

type Json = Record<string, unknown>;
const METERED_KEY = 'sk-test-metered-key-0004';

async function post(
  stack: AdminStack,
  id: string,
  opts: {
    key?: string;
    body?: string | object;
    type?: string;
    headers?: Record<string, string>;
    signal?: AbortSignal;
    dispatcher?: Agent;
  } = {},
): Promise<Response> {
  const call = (opts.dispatcher ? undiciFetch : fetch) as typeof fetch;
  const r = await call(`${stack.harness.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'x-request-id': id,
      'content-type': opts.type ?? 'application/json',
      ...(opts.key ? { authorization: `Bearer ${opts.key}` } : {}),
      ...opts.headers,
    },
    body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body ?? HELLO),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  } as RequestInit);
  assert.equal(r.headers.get('x-request-id'), id, 'the client sees the id it is found by');
  // An unread body would hold its connection open past the test.
  if (!opts.signal) await r.arrayBuffer();
  return r;
}

async function search(stack: AdminStack, query: string): Promise<Json[]> {
  const r = await stack.api('GET', `/admin/api/requests?${query}`);
  assert.equal(r.statusCode, 200, r.body);
  return r.json<{ records: Json[] }>().records;
}

/** The one record of request `id`, found by id, by its exact status and by its status class. */
async function found(stack: AdminStack, id: string, status: number): Promise<Json> {
  await waitUntil(async () => (await search(stack, `id=${id}`)).length === 1, 5_000, `request ${id} in the log`);
  const [record] = await search(stack, `id=${id}`);
  assert.equal(record?.status, status);
  assert.ok(
    (await search(stack, `status=${status}`)).some((r) => r.id === id),
    `status=${status} finds ${id}`,
  );
  if (status > 0) {
    const cls = `${Math.floor(status / 100)}xx`;
    assert.ok(
      (await search(stack, `status=${cls}`)).some((r) => r.id === id),
      `status=${cls} finds ${id}`,
    );
    assert.ok(!(await search(stack, `status=2xx`)).some((r) => r.id === id), `status=2xx does not find ${id}`);
  }
  return record!;
}

test('every refused or failed request is found by id, status and status class', { timeout: 60_000 }, async (t) => {
  const stack = await startAdminStack(t, {
    configure: (config) => {
      (config.server as Json).bodyLimitBytes = 2048;
      (config.apiKeys as Json[]).push({
        id: 'metered',
        key: METERED_KEY,
        status: 'active',
        limits: { requestsPerMinute: 1 },
      });
    },
  });

  await t.test('401: no key', async () => {
    assert.equal((await post(stack, 'find-401')).status, 401);
    const r = await found(stack, 'find-401', 401);
    assert.deepEqual(
      [r.keyId, r.error, r.path, r.method],
      ['(unauthenticated)', 'missing_api_key', '/v1/chat/completions', 'POST'],
    );
  });

  await t.test('403: a model outside the key allow-list', async () => {
    assert.equal(
      (await post(stack, 'find-403', { key: LIMITED_KEY, body: { ...HELLO, model: 'gpt-5-mini' } })).status,
      403,
    );
    const r = await found(stack, 'find-403', 403);
    assert.deepEqual([r.keyId, r.error], ['limited', 'model_not_allowed']);
  });

  await t.test('404: an unknown model', async () => {
    assert.equal((await post(stack, 'find-404', { key: CLIENT_KEY, body: { ...HELLO, model: 'nope' } })).status, 404);
    const r = await found(stack, 'find-404', 404);
    assert.deepEqual([r.keyId, r.error], ['main', 'model_not_found']);
  });

  await t.test('413: a body over the limit', async () => {
    const big = JSON.stringify({ ...HELLO, messages: [{ role: 'user', content: 'x'.repeat(4096) }] });
    assert.equal((await post(stack, 'find-413', { key: CLIENT_KEY, body: big })).status, 413);
    const r = await found(stack, 'find-413', 413);
    // The declared length is refused before the key is read.
    assert.deepEqual([r.keyId, r.error], ['(unauthenticated)', 'request_too_large']);
  });

  await t.test('415: a body that is not JSON', async () => {
    assert.equal((await post(stack, 'find-415', { key: CLIENT_KEY, body: 'hello', type: 'text/plain' })).status, 415);
    const r = await found(stack, 'find-415', 415);
    assert.deepEqual([r.keyId, r.error], ['main', 'unsupported_media_type']);
  });

  await t.test("429: the key's own limit", async () => {
    assert.equal((await post(stack, 'find-limit-ok', { key: METERED_KEY })).status, 200);
    assert.equal((await post(stack, 'find-limit-429', { key: METERED_KEY })).status, 429);
    const r = await found(stack, 'find-limit-429', 429);
    assert.deepEqual(
      [r.keyId, r.model, r.target, r.upstream, r.error],
      ['metered', 'gpt-4o-mini', '', false, 'rate_limit_exceeded'],
    );
  });

  await t.test('429: a cooled-down target, credited to that target', async () => {
    stack.harness.sim.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '60' } });
    const body = { ...HELLO, model: 'gpt-5-mini' };
    assert.equal((await post(stack, 'find-azure-429', { key: CLIENT_KEY, body })).status, 429);
    const azure = await found(stack, 'find-azure-429', 429);
    assert.deepEqual([azure.target, azure.upstream], ['keyed/dep-5-mini', true]);
    assert.equal((await post(stack, 'find-cooldown-429', { key: CLIENT_KEY, body })).status, 429);
    const r = await found(stack, 'find-cooldown-429', 429);
    assert.deepEqual(
      [r.keyId, r.model, r.target, r.upstream, r.error],
      ['main', 'gpt-5-mini', 'keyed/dep-5-mini', false, 'rate_limit_exceeded'],
    );
    const usage = (await stack.api('GET', '/admin/api/usage')).json<{ byTarget: Record<string, Json> }>();
    assert.equal(usage.byTarget['keyed/dep-5-mini']?.s429, 2, 'both 429s count against the deployment');
  });

  await t.test('5xx: an upstream error', async () => {
    stack.harness.sim.enqueue({ kind: 'status', status: 503 });
    assert.equal((await post(stack, 'find-503', { key: CLIENT_KEY })).status, 503);
    const r = await found(stack, 'find-503', 503);
    assert.deepEqual([r.keyId, r.target, r.upstream], ['main', 'foundry/dep-4o-mini', true]);
  });

  await t.test('0: a client that left mid-stream', async () => {
    const leave = new AbortController();
    // A connection of its own, which the client's leaving closes.
    const own = new Agent();
    t.after(() => own.close());
    const r = await post(stack, 'find-abort', {
      key: CLIENT_KEY,
      body: { ...HELLO, stream: true },
      headers: { 'x-sim-scenario': JSON.stringify({ kind: 'slowChunks', intervalMs: 100, chunks: 100 }) },
      signal: leave.signal,
      dispatcher: own,
    });
    assert.equal(r.status, 200);
    await r.body!.getReader().read();
    leave.abort();
    const record = await found(stack, 'find-abort', 0);
    assert.deepEqual([record.keyId, record.target, record.upstream], ['main', 'foundry/dep-4o-mini', true]);
  });

  await t.test('filters combine: key and time range', async () => {
    const all = await search(stack, 'key=main&limit=2000');
    assert.ok(all.length >= 5 && all.every((r) => r.keyId === 'main'));
    const newest = Number(all[0]?.at);
    assert.deepEqual(await search(stack, `key=main&from=${newest + 1}`), []);
    assert.ok((await search(stack, `key=main&to=${newest + 1}`)).some((r) => r.id === all[0]?.id));
    assert.equal((await stack.api('GET', '/admin/api/requests?status=abc')).statusCode, 400);
  });
});
