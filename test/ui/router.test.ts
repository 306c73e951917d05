/** Pages live at /admin/<page>; the config paths tell which page edits them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hrefOf, pageForPath, pageOf, PAGES } from '../../admin/ui/js/router.js';

test('each page has a URL that leads back to it', () => {
  assert.deepEqual(
    [...PAGES],
    ['overview', 'usage', 'models', 'keys', 'teams', 'domain', 'logs', 'audit', 'playground', 'access', 'settings'],
  );
  for (const p of PAGES) assert.equal(pageOf(hrefOf(p)), p);
  assert.equal(hrefOf('overview'), '/admin/');
  assert.equal(hrefOf('keys'), '/admin/keys');
});

test('unknown and partial paths fall back to the overview; deeper paths keep their page', () => {
  assert.equal(pageOf('/admin'), 'overview');
  assert.equal(pageOf('/admin/nope'), 'overview');
  assert.equal(pageOf('/admin/usage/extra'), 'usage');
  assert.equal(pageOf('/elsewhere'), 'overview');
});

test('a config path opens the page that edits it', () => {
  assert.equal(pageForPath('/server/caddy/acme/ca'), 'domain');
  assert.equal(pageForPath('/apiKeys/0/status'), 'keys');
  assert.equal(pageForPath('/teams/1/budget/amount'), 'teams');
  assert.equal(pageForPath('/server/upstream/maxRetries'), 'settings');
  assert.equal(pageForPath('/server/adminAuth/password'), 'settings');
  assert.equal(pageForPath('/models/0/id'), 'models');
  assert.equal(pageForPath('/upstreams/1/baseUrl'), 'models');
  assert.equal(pageForPath('/auth/mode'), 'models');
});
