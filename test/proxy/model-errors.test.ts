// A request without a model is a 400, one naming an unknown model a 404 model_not_found.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { expectApiError } from '../harness/api-error.js';
import { HELLO, proxyHarness } from '../harness/proxy-harness.js';

test('model problems: missing → 400, unknown → 404 model_not_found', async (t) => {
  const h = await proxyHarness(t);
  await expectApiError(
    h.sdk().chat.completions.create({ ...HELLO, model: 'nope' }),
    404,
    'model_not_found',
    OpenAI.NotFoundError,
  );
  const res = await h.postChat({ messages: [] });
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: {
      message: 'You must provide a model parameter.',
      type: 'invalid_request_error',
      param: 'model',
      code: 'missing_model',
    },
  });
});
