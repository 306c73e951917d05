import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMAIN_CHANGE, TIMEOUT_MS, stagedHarness } from '../harness/staged-changes.js';

test('a staged domain change whose certificate never comes rolls back by itself at its deadline', async (t) => {
  const h = await stagedHarness(t);
  await h.changes.begin({ domain: 'new.test' }, DOMAIN_CHANGE, undefined);
  h.clock.now += TIMEOUT_MS - 1;
  await h.changes.tick();
  assert.equal(h.changes.pending()?.state, 'pending');

  h.clock.now += 1;
  await h.changes.tick();
  assert.equal(h.rollbacks.length, 1);
  assert.equal(h.commits.length, 0);
  // While the rollback applies, Caddy gets the config without the bridge, but the record still
  // says pending: a status read meanwhile is never ahead of what Caddy runs.
  assert.deepEqual(h.during, [{ state: 'pending', bridge: false }]);
  const ended = h.changes.current();
  assert.equal(ended?.state, 'rolled_back');
  assert.equal(ended?.outcome, 'timed out (no certificate for new.test): rolled back by itself');
});
