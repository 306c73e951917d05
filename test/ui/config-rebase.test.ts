/**
 * After a 412 (someone else changed the config), the user's edits go on top of the latest config:
 * the sections the user changed come from the draft, everything else, and always the API keys,
 * from the latest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rebaseEdits } from '../../admin/ui/js/config-rebase.js';

test('my edited sections win, the rest and the API keys come from the latest config', () => {
  const before = {
    models: [{ id: 'a' }],
    upstreams: [{ name: 'u' }],
    apiKeys: [{ id: 'k1' }],
    server: { upstream: { maxRetries: 0 }, caddy: { email: 'old@example.com' } },
  };
  const mine = {
    models: [{ id: 'a' }, { id: 'b' }],
    upstreams: [{ name: 'u' }],
    apiKeys: [{ id: 'k1', status: 'disabled' }],
    server: { upstream: { maxRetries: 2 }, caddy: { email: 'old@example.com' } },
  };
  const latest = {
    models: [{ id: 'a' }],
    upstreams: [{ name: 'u' }, { name: 'v' }],
    apiKeys: [{ id: 'k1' }, { id: 'k2' }],
    server: { upstream: { maxRetries: 0 }, caddy: { email: 'new@example.com' } },
  };
  assert.deepEqual(rebaseEdits(before, mine, latest), {
    models: [{ id: 'a' }, { id: 'b' }],
    upstreams: [{ name: 'u' }, { name: 'v' }],
    apiKeys: [{ id: 'k1' }, { id: 'k2' }],
    server: { upstream: { maxRetries: 2 }, caddy: { email: 'new@example.com' } },
  });
});

test('a section I removed stays removed; the latest config is not modified', () => {
  const latest = { auth: { mode: 'apiKey' }, models: [] };
  const next = rebaseEdits({ auth: { mode: 'none' }, models: [] }, { models: [] }, latest);
  assert.equal(next.auth, undefined);
  assert.deepEqual(latest, { auth: { mode: 'apiKey' }, models: [] });
});
