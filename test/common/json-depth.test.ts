// nestedDeeperThan: the nesting depth of parsed JSON, measured without recursion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nestedDeeperThan } from '../../common/json-depth.js';

test('nesting depth is measured without recursion, so hostile input cannot overflow the stack', () => {
  assert.equal(nestedDeeperThan({ a: [{ b: 1 }] }, 3), false);
  assert.equal(nestedDeeperThan({ a: [{ b: [1] }] }, 3), true);
  const deep = JSON.parse(`{"models":${'['.repeat(50_000)}${']'.repeat(50_000)}}`) as unknown;
  assert.equal(nestedDeeperThan(deep, 32), true);
});
