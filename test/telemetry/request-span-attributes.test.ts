// One non-streamed chat call, exported as OTLP protobuf: a server span with the GenAI and
// gateway attributes, one attempt span under it, token counts equal to the usage recorded, and
// the GenAI metrics carrying the same counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tracedProxy } from '../harness/traced-proxy.js';

test('a chat call gives a request span with GenAI attributes and metrics matching the usage', async (t) => {
  const { h, otlp, flush, requestSpans, attemptsOf } = await tracedProxy(t, 'http/protobuf');
  const answer = await h.sdk().chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'the secret prompt text' }],
  });
  await flush();
  const [span, ...more] = requestSpans();
  assert.ok(span, 'a request span arrived');
  assert.equal(more.length, 0);
  assert.ok(otlp.contentTypes.every((c) => c === 'application/x-protobuf'));
  assert.equal(span.resource['service.name'], 'gateway-under-test');
  assert.equal(span.name, 'chat gpt-4o-mini');
  const stats = await h.stats();
  const usage = stats.totals;
  assert.equal(span.attributes['gen_ai.usage.input_tokens'], answer.usage?.prompt_tokens);
  assert.equal(span.attributes['gen_ai.usage.output_tokens'], answer.usage?.completion_tokens);
  assert.equal(usage.promptTokens, answer.usage?.prompt_tokens);
  assert.equal(usage.completionTokens, answer.usage?.completion_tokens);
  assert.deepEqual(
    {
      op: span.attributes['gen_ai.operation.name'],
      system: span.attributes['gen_ai.system'],
      provider: span.attributes['gen_ai.provider.name'],
      requestModel: span.attributes['gen_ai.request.model'],
      responseModel: span.attributes['gen_ai.response.model'],
      responseId: span.attributes['gen_ai.response.id'],
      finish: span.attributes['gen_ai.response.finish_reasons'],
      key: span.attributes['gateway.key.id'],
      target: span.attributes['gateway.target'],
      attempts: span.attributes['gateway.attempts'],
      status: span.attributes['http.response.status_code'],
    },
    {
      op: 'chat',
      system: 'az.ai.openai',
      provider: 'azure.ai.openai',
      requestModel: 'gpt-4o-mini',
      responseModel: answer.model,
      responseId: answer.id,
      finish: ['stop'],
      key: 'main',
      target: 'foundry/dep-4o-mini',
      attempts: 1,
      status: 200,
    },
  );
  // Nothing of the prompt or the credentials in any attribute.
  const everything = JSON.stringify(otlp.spans.map((s) => s.attributes));
  assert.ok(!everything.includes('secret prompt'));
  assert.ok(!everything.includes('sk-test'));
  const [attempt, ...others] = attemptsOf(span);
  assert.ok(attempt);
  assert.equal(others.length, 0);
  assert.equal(attempt.traceId, span.traceId);
  assert.equal(attempt.attributes['gen_ai.request.model'], 'dep-4o-mini');
  assert.equal(attempt.attributes['http.response.status_code'], 200);

  const tokens = otlp.points.filter((p) => p.metric === 'gen_ai.client.token.usage');
  const input = tokens.find((p) => p.attributes['gen_ai.token.type'] === 'input');
  const output = tokens.find((p) => p.attributes['gen_ai.token.type'] === 'output');
  assert.deepEqual([input?.count, input?.sum], [1, answer.usage?.prompt_tokens]);
  assert.deepEqual([output?.count, output?.sum], [1, answer.usage?.completion_tokens]);
  assert.equal(input?.attributes['gen_ai.request.model'], 'gpt-4o-mini');
  const duration = otlp.points.filter((p) => p.metric === 'gen_ai.client.operation.duration');
  assert.equal(duration.length, 1);
  assert.equal(duration[0]?.count, 1);
  assert.equal(duration[0]?.unit, 's');
});
