// A config PUT nested deeper than any config can be is a client error (400), not a stack
// overflow in the secret unmasking (500).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unmaskIncoming } from '../../admin/config/edit.js';

test('a deeply nested config PUT is a 400 issue, not a 500', () => {
  const deep = JSON.parse(`{"models":${'['.repeat(5000)}${']'.repeat(5000)}}`) as unknown;
  assert.throws(
    () => unmaskIncoming(deep, {}),
    (err: unknown) => {
      assert.equal((err as { statusCode?: number }).statusCode, 400);
      return true;
    },
  );
});
