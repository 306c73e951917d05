/**
 * The server's `{path, message}` issues land on the field of their path, or else on the nearest
 * enclosing field or card (prefixed with the rest of the path); the others go to the page's box.
 * A key's or team's issues are named relative to that entry, as its form's fields are.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryIssues, placeIssues } from '../../admin/ui/js/issue-placement.js';

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

test("an entry's issues are named from the entry, as its form's fields are; others keep their path", () => {
  const issues = entryIssues(
    [
      { path: '/apiKeys/3/limits/requestsPerMinute', message: 'must be >= 1' },
      { path: '/apiKeys/3', message: 'needs key or keyHash' },
      { path: '/apiKeys/12/team', message: 'no team with id "x"' },
      { path: '/teams/0/budget/amount', message: 'must be > 0' },
      { path: '/apiKeysX/1/id', message: 'not a list' },
    ],
    'apiKeys',
  );
  assert.deepEqual(issues, [
    { path: '/limits/requestsPerMinute', message: 'must be >= 1' },
    { path: '/', message: 'needs key or keyHash' },
    { path: '/team', message: 'no team with id "x"' },
    { path: '/teams/0/budget/amount', message: 'must be > 0' },
    { path: '/apiKeysX/1/id', message: 'not a list' },
  ]);
  assert.deepEqual(entryIssues([{ path: '/teams/4/label', message: 'too long' }], 'teams'), [
    { path: '/label', message: 'too long' },
  ]);
});
