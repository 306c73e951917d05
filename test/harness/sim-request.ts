/** Reading what the Foundry simulator received, for assertions on what the proxy sent upstream. */
import assert from 'node:assert/strict';

/** The JSON body of a recorded upstream request; fails the test when there is none. */
export function bodyOf(req: { body: unknown } | undefined): Record<string, unknown> {
  assert.ok(req && req.body && typeof req.body === 'object');
  return req.body as Record<string, unknown>;
}
