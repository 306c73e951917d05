import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { hashClientKey } from '../../common/key-hash.js';
import { CLIENT_KEY, startProxyHarness } from '../harness/proxy-harness.js';

type Json = Record<string, unknown>;
const OLD_SECRET = 'sk-test-old-secret-before-rotation';
const sleepUntil = (at: number) => new Promise((r) => setTimeout(r, Math.max(0, at - Date.now())));

test('an expired key is refused with 401 api_key_expired; a key expiring later still works', async (t) => {
  const h = await startProxyHarness({
    configure: (config) => {
      const keys = config.apiKeys as Json[];
      keys[0]!.expiresAt = '2020-01-01T00:00:00Z';
      keys[1]!.expiresAt = '2999-01-01T00:00:00Z';
    },
  });
  t.after(() => h.close());
  const expired = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 });
  await assert.rejects(
    expired.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    (err: unknown) => {
      assert.ok(err instanceof OpenAI.AuthenticationError);
      assert.equal(err.code, 'api_key_expired');
      assert.match(err.message, /expired at 2020-01-01T00:00:00Z/);
      return true;
    },
  );
  const later = new OpenAI({ baseURL: `${h.url}/v1`, apiKey: 'sk-test-limited-key-0002', maxRetries: 0 });
  assert.equal(
    (await later.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })).object,
    'chat.completion',
  );
});

test('after a rotation the previous secret works until validUntil, to the second, and the new one throughout', async (t) => {
  const validUntil = Date.now() + 2_000;
  const h = await startProxyHarness({
    configure: (config) => {
      const keys = config.apiKeys as Json[];
      keys[0]!.previousKeys = [{ keyHash: hashClientKey(OLD_SECRET), validUntil: new Date(validUntil).toISOString() }];
    },
  });
  t.after(() => h.close());
  const call = (key: string) =>
    fetch(`${h.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
    }).then((r) => r.status);
  assert.equal(await call(OLD_SECRET), 200);
  await sleepUntil(validUntil - 500);
  assert.equal(await call(OLD_SECRET), 200, 'half a second before the end of the grace period');
  await sleepUntil(validUntil + 50);
  assert.equal(await call(OLD_SECRET), 401, 'just after it');
  assert.equal(await call(CLIENT_KEY), 200);
});
