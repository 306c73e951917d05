import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PORT_CHANGE, stagedHarness } from '../harness/staged-changes.js';

test('a staged change whose commit fails is rolled back and says why', async (t) => {
  const h = await stagedHarness(t);
  await h.changes.begin({ httpsPort: 9443 }, PORT_CHANGE, undefined);
  h.failNextCommit.message = 'Applying the config failed at step caddy_load: listen tcp :9443: address already in use';

  const ended = await h.changes.confirm(undefined);
  assert.equal(h.commits.length, 1);
  assert.equal(h.rollbacks.length, 1);
  assert.equal(ended.state, 'rolled_back');
  assert.equal(
    ended.outcome,
    'committing failed (Applying the config failed at step caddy_load: listen tcp :9443: address already in use): rolled back',
  );
});
