/** Assertions on the errors the official SDK raises for the gateway's OpenAI-shaped answers. */
import assert from 'node:assert/strict';
import OpenAI from 'openai';

/** One of the SDK's error classes, e.g. `OpenAI.RateLimitError`. */
type ApiErrorClass = abstract new (...args: never[]) => InstanceType<typeof OpenAI.APIError>;

/**
 * Awaits `p` and asserts that it failed with an APIError of `status` and `code` (of class `type` when
 * given) whose message is non-empty and holds no stack trace; returns the error for further checks.
 */
export async function expectApiError(
  p: Promise<unknown>,
  status: number,
  code: string | null,
  type?: ApiErrorClass,
): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OpenAI.APIError, `expected an APIError, got ${String(err)}`);
    if (type) assert.ok(err instanceof type, `expected ${type.name}, got ${err.constructor.name}`);
    assert.equal(err.status, status);
    assert.equal(err.code, code);
    assert.ok(err.message.length > 0);
    assert.doesNotMatch(err.message, /\bat .*\.js:\d+/, 'no stack trace');
    return err;
  }
  assert.fail('expected the request to fail');
}
