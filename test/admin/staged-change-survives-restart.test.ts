import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMAIN_CHANGE, TIMEOUT_MS, stagedHarness } from '../harness/staged-changes.js';

test('a pending staged change survives an admin restart and still rolls back at its deadline', async (t) => {
  const h = await stagedHarness(t);
  const started = await h.changes.begin({ domain: 'new.test' }, DOMAIN_CHANGE, undefined);
  h.changes.stop();

  const after = h.restart();
  t.after(() => after.changes.stop());
  after.changes.load();
  assert.equal(after.changes.pending()?.id, started.id);
  assert.equal(after.changes.pending()?.deadline, started.deadline);

  after.clock.now += TIMEOUT_MS;
  await after.changes.tick();
  assert.equal(after.rollbacks.length, 1);
  assert.equal(after.changes.current()?.state, 'rolled_back');
});
