/**
 * Request bodies are scanned before they are parsed (proxy/access/json-shape.ts): excessive
 * nesting, an object graph too large for any OpenAI request, and duplicate top-level keys are
 * refused with a 400 before a single object is built. That nothing was parsed shows in the body
 * budget: a refused body never took a share of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIENT_KEY, LIMITED_KEY, startProxyHarness } from '../harness/proxy-harness.js';
import { BodyBudget } from '../../proxy/access/body-budget.js';
import { scanJson, DEFAULT_JSON_LIMITS } from '../../proxy/access/json-shape.js';

interface ErrorBody {
  error: { code: string; param: string | null; message: string };
}

async function post(
  url: string,
  body: string | Buffer,
  key = CLIENT_KEY,
): Promise<{ status: number; json: ErrorBody }> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, json: (await res.json()) as ErrorBody };
}

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

test('a 10 MB [[[[…]]]] body, whole or in a field, is refused before parsing', async (t) => {
  const budget = new BodyBudget(64 * 1024 * 1024, 30_000);
  const h = await startProxyHarness({ bodyBudget: budget });
  t.after(() => h.close());
  const depth = 5_000_000;
  const whole = `${'['.repeat(depth)}${']'.repeat(depth)}`;
  const inField = JSON.stringify({ ...hello, metadata: 0 }).replace(
    '"metadata":0',
    `"metadata":${'{"a":'.repeat(1_000_000)}1${'}'.repeat(1_000_000)}`,
  );
  for (const body of [whole, inField]) {
    const r = await post(h.url, body);
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'json_too_deep');
    assert.equal(r.json.error.message, 'The request body nests objects and arrays deeper than 128 levels.');
  }
  assert.equal(budget.peak, 0, 'no body was parsed');
  assert.equal(h.sim.requests.length, 0);
  // 128 levels is allowed (a deep tool schema still works).
  const deepest = JSON.stringify({ ...hello, metadata: 0 }).replace(
    '"metadata":0',
    `"metadata":${'['.repeat(127)}${']'.repeat(127)}`,
  );
  const ok = await fetch(`${h.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' },
    body: deepest,
  });
  assert.equal(ok.status, 200);
});

test('a body with more objects and arrays than any request needs is refused before parsing', async (t) => {
  const budget = new BodyBudget(64 * 1024 * 1024, 30_000);
  const h = await startProxyHarness({ bodyBudget: budget });
  t.after(() => h.close());
  const wide = JSON.stringify({ ...hello, metadata: 0 }).replace(
    '"metadata":0',
    `"metadata":[${Array(200_000).fill('{}').join(',')}]`,
  );
  const r = await post(h.url, wide);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'json_too_complex');
  assert.equal(r.json.error.message, 'The request body holds more than 200,000 objects and arrays.');
  const manyFields = `{${Array.from({ length: 1_001 }, (_, i) => `"f${i}":0`).join(',')}}`;
  const r2 = await post(h.url, manyFields);
  assert.equal(r2.status, 400);
  assert.equal(r2.json.error.message, 'The request body holds more than 1,000 top-level fields.');
  const numbers = JSON.stringify({ ...hello, metadata: 0 }).replace(
    '"metadata":0',
    `"metadata":[0${',0'.repeat(2_000_000)}]`,
  );
  const r3 = await post(h.url, numbers);
  assert.equal(r3.status, 400);
  assert.equal(r3.json.error.message, 'The request body holds more than 2,000,000 fields and array items.');
  assert.equal(budget.peak, 0);
  assert.equal(h.sim.requests.length, 0);
});

test('a duplicate top-level "model" (also spelled with an escape) is refused; nothing goes upstream', async (t) => {
  const h = await startProxyHarness();
  t.after(() => h.close());
  // The limited key may use gpt-4o-mini only: with the allow-list reading one copy and Azure the
  // other, a duplicate would smuggle in another deployment.
  for (const body of [
    '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"model":"gpt-5-mini"}',
    '{"model":"gpt-5-mini","mod\\u0065l":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}',
  ]) {
    const r = await post(h.url, body, LIMITED_KEY);
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'duplicate_key');
    assert.equal(r.json.error.param, 'model');
    assert.equal(r.json.error.message, 'The request body has the field "model" more than once.');
  }
  assert.equal(h.sim.requests.length, 0);
  // The same key deeper down is ordinary JSON (e.g. two messages with "role").
  const nested = await post(
    h.url,
    '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}],"metadata":{"model":"x"}}',
    LIMITED_KEY,
  );
  assert.equal(nested.status, 200);
});

test('the scan: strings are skipped whole (escaped quotes, brackets inside), counts are exact', () => {
  const shape = scanJson(Buffer.from('{"a":"[[[\\"{{{","b":[1,2,{"c":"\\\\"}],"d":"é"}'));
  assert.deepEqual(shape, { depth: 3, containers: 3, separators: 8, stringBytes: 16, ascii: false });
  assert.deepEqual(scanJson(Buffer.from('{"x":1,"y":{"x":2},"x":3}')), {
    depth: 2,
    containers: 2,
    separators: 6,
    stringBytes: 4,
    ascii: true,
    duplicateKey: 'x',
  });
  assert.deepEqual(scanJson(Buffer.from(`${'['.repeat(129)}${']'.repeat(129)}`), DEFAULT_JSON_LIMITS), {
    refused: 'depth',
  });
  // Not JSON at all: the scan does not judge syntax (JSON.parse does), it only measures.
  assert.deepEqual(scanJson(Buffer.from('"unterminated')), {
    depth: 0,
    containers: 0,
    separators: 0,
    stringBytes: 0,
    ascii: true,
  });
});
