import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PORT_CHANGE, stagedHarness } from '../harness/staged-changes.js';

test('a staged port move waits for the operator, and a confirmation from the new address commits it', async (t) => {
  const h = await stagedHarness(t);
  await h.changes.begin({ httpsPort: 9443 }, PORT_CHANGE, 'localhost:8443');
  await h.changes.tick();
  await h.changes.tick();
  assert.equal(h.commits.length, 0, 'no certificate to wait for, but the port needs a confirmation');

  const ended = await h.changes.confirm('localhost:9443');
  assert.equal(h.commits.length, 1);
  assert.equal(ended.state, 'committed');
  assert.equal(ended.outcome, 'confirmed from the new address localhost:9443');
  await assert.rejects(h.changes.cancel(), { code: 'ADMIN_NO_STAGED_CHANGE', statusCode: 409 });
});
