/** A gateway error answer as the one line the Playground and the test request show. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayError } from '../../admin/ui/js/gateway-error.js';

test('OpenAI-shaped errors by their message, anything else as text or JSON, cut at 300', () => {
  assert.equal(
    gatewayError(401, { error: { message: 'Invalid API key', type: 'invalid_request_error' } }),
    '401: Invalid API key',
  );
  assert.equal(gatewayError(502, 'Bad Gateway'), '502: Bad Gateway');
  assert.equal(gatewayError(500, { detail: 1 }), '500: {"detail":1}');
  assert.equal(gatewayError(500, undefined), '500: ');
  assert.equal(gatewayError(413, 'x'.repeat(400)), `413: ${'x'.repeat(300)}`);
});
