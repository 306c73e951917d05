import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { DOMAIN_CHANGE, stagedHarness } from '../harness/staged-changes.js';

test('a staged domain change waits while the certificate is missing and commits once it is issued', async (t) => {
  const h = await stagedHarness(t);
  await h.changes.begin({ domain: 'new.test' }, DOMAIN_CHANGE, 'localhost:8443');

  await h.changes.tick();
  assert.equal(h.changes.pending()?.certificates[0]?.lastError, 'the TLS handshake failed (alert internal error)');
  assert.equal(h.commits.length, 0);

  h.certificates.set('new.test', { ok: true });
  h.clock.now += 10_000;
  await h.changes.tick();
  assert.equal(h.commits.length, 1);
  assert.deepEqual(h.commits[0]?.target, { domain: 'new.test' });
  assert.equal(h.rollbacks.length, 0);
  const saved = JSON.parse(await readFile(h.file, 'utf8')) as Record<string, unknown>;
  assert.equal(saved.state, 'committed');
  assert.equal(saved.outcome, 'every new certificate was issued');
  assert.equal(h.changes.pending(), undefined);
});
