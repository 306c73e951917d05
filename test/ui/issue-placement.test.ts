/**
 * The server's `{path, message}` issues land on the field of their path, or else on the nearest
 * enclosing field or card (prefixed with the rest of the path); the others go to the page's box.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeIssues } from '../../admin/ui/js/issue-placement.js';

const targets = new Set(['/models/0', '/models/0/id', '/models/0/routes/chat~1completions', '/server/caddy']);

test('exact fields, the nearest enclosing one, and nowhere', () => {
  const { placed, unplaced } = placeIssues(targets, [
    { path: '/models/0/id', message: 'duplicate model id' },
    { path: '/models/0/targets/1/weight', message: 'Must be at most 1000' },
    { path: '/models/0/routes/chat~1completions', message: 'unknown route' },
    { path: '/server/caddy/acme/ca', message: 'not a URL' },
    { path: '/upstreams/2/name', message: 'Required' },
    { path: '', message: 'must be an object' },
  ]);
  assert.deepEqual(
    [...placed],
    [
      ['/models/0/id', ['duplicate model id']],
      ['/models/0', ['targets/1/weight: Must be at most 1000']],
      ['/models/0/routes/chat~1completions', ['unknown route']],
      ['/server/caddy', ['acme/ca: not a URL']],
    ],
  );
  assert.deepEqual(unplaced, [
    { path: '/upstreams/2/name', message: 'Required' },
    { path: '', message: 'must be an object' },
  ]);
});

test('several issues on one field are all shown, in order', () => {
  const { placed } = placeIssues(targets, [
    { path: '/models/0/id', message: 'first' },
    { path: '/models/0/id', message: 'second' },
  ]);
  assert.deepEqual(placed.get('/models/0/id'), ['first', 'second']);
});
