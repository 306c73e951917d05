/**
 * The review before an apply lists what changed, leaf by leaf: named items (models by id,
 * upstreams by name) are matched by name wherever they moved, and a key holding undefined is
 * the same as an absent one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changePlace, diff, leafChanges, same } from '../../admin/ui/js/config-diff.js';

test('equal JSON values are the same, whatever the key order or undefined keys', () => {
  assert.equal(same({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }), true);
  assert.equal(same({ a: 1, gone: undefined }, { a: 1 }), true);
  assert.equal(same([1, 2], [2, 1]), false);
  assert.equal(same({ a: null }, { a: undefined }), false);
});

test('leaves that changed, appeared and disappeared, with their pointers and places', () => {
  const before = { server: { upstream: { maxRetries: 0, retryBaseMs: 800 } }, auth: { mode: 'apiKey' } };
  const after = { server: { upstream: { maxRetries: 2 } }, auth: { mode: 'apiKey' }, version: 1 };
  assert.deepEqual(diff(before, after), [
    {
      path: '/server/upstream/maxRetries',
      label: ['server', 'upstream', 'maxRetries'],
      kind: 'changed',
      before: 0,
      after: 2,
    },
    {
      path: '/server/upstream/retryBaseMs',
      label: ['server', 'upstream', 'retryBaseMs'],
      kind: 'removed',
      before: 800,
      after: undefined,
    },
    { path: '/version', label: ['version'], kind: 'added', before: undefined, after: 1 },
  ]);
});

test('named items are matched by id or name, so removing one is one removal, not a shift', () => {
  const before = {
    models: [
      { id: 'a', upstream: 'u1' },
      { id: 'b', upstream: 'u1' },
      { id: 'c', upstream: 'u1' },
    ],
  };
  const after = {
    models: [
      { id: 'a', upstream: 'u1' },
      { id: 'c', upstream: 'u2' },
    ],
  };
  assert.deepEqual(diff(before, after), [
    { path: '/models/1/upstream', label: ['models', 'c', 'upstream'], kind: 'changed', before: 'u1', after: 'u2' },
    {
      path: '/models/1',
      label: ['models', 'b'],
      kind: 'removed',
      before: { id: 'b', upstream: 'u1' },
      after: undefined,
    },
  ]);
  const added = diff(
    { upstreams: [{ name: 'x' }] },
    { upstreams: [{ name: 'x' }, { name: 'y', baseUrl: 'https://y' }] },
  );
  assert.deepEqual(added, [
    {
      path: '/upstreams/1',
      label: ['upstreams', 'y'],
      kind: 'added',
      before: undefined,
      after: { name: 'y', baseUrl: 'https://y' },
    },
  ]);
});

test('arrays of plain values change as a whole', () => {
  assert.deepEqual(diff({ d: ['a.example', 'b.example'] }, { d: ['b.example'] }), [
    { path: '/d', label: ['d'], kind: 'changed', before: ['a.example', 'b.example'], after: ['b.example'] },
  ]);
});

test('keys with a slash are escaped in the pointer and shown as they are', () => {
  const [change] = diff({ routes: {} }, { routes: { 'chat/completions': 'responses' } });
  assert.equal(change?.path, '/routes/chat~1completions');
  assert.equal(change && changePlace(change), 'routes › chat/completions');
  assert.equal(changePlace({ path: '', label: [], kind: 'changed', before: 1, after: 2 }), '/');
});

test('an added or removed object is reviewed field by field, each leaf with its own path', () => {
  const added = diff({ models: [] }, { models: [{ id: 'm', upstream: 'u', targets: [{ upstream: 'u', weight: 2 }] }] });
  assert.deepEqual(
    added.flatMap(leafChanges).map((c) => [c.kind, c.path, c.after]),
    [
      ['added', '/models/0/id', 'm'],
      ['added', '/models/0/upstream', 'u'],
      ['added', '/models/0/targets/0/upstream', 'u'],
      ['added', '/models/0/targets/0/weight', 2],
    ],
  );
  const removed = diff({ upstreams: [{ name: 'u', baseUrl: 'https://x' }] }, { upstreams: [] });
  assert.deepEqual(
    removed.flatMap(leafChanges).map((c) => [c.kind, c.path, c.before]),
    [
      ['removed', '/upstreams/0/name', 'u'],
      ['removed', '/upstreams/0/baseUrl', 'https://x'],
    ],
  );
});
