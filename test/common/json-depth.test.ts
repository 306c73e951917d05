import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nestedDeeperThan } from '../../common/json-depth.js';
import { unmaskIncoming } from '../../admin/config/edit.js';

test('nesting depth is measured without recursion, so hostile input cannot overflow the stack', () => {
  assert.equal(nestedDeeperThan({ a: [{ b: 1 }] }, 3), false);
  assert.equal(nestedDeeperThan({ a: [{ b: [1] }] }, 3), true);
  const deep = JSON.parse(`{"models":${'['.repeat(50_000)}${']'.repeat(50_000)}}`) as unknown;
  assert.equal(nestedDeeperThan(deep, 32), true);
});

test('a deeply nested config PUT is a 400 issue, not a 500', () => {
  const deep = JSON.parse(`{"models":${'['.repeat(5000)}${']'.repeat(5000)}}`) as unknown;
  assert.throws(() => unmaskIncoming(deep, {}), (err: unknown) => {
    assert.equal((err as { statusCode?: number }).statusCode, 400);
    return true;
  });
});
