// The GenAI histograms of the OTLP path count each request into the series of its own attribute
// set, whether it repeats the set of the request before (taken without a lookup) or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GenAiMetrics } from '../../proxy/telemetry/otlp/gen-ai-metrics.js';
import { Histogram, type HistogramDefinition } from '../../proxy/telemetry/otlp/histograms.js';
import type { OtlpPipeline } from '../../proxy/telemetry/otlp/otlp-pipeline.js';
import type { ClosedRequest } from '../../proxy/telemetry/telemetry.js';
import type { RequestAccounting } from '../../proxy/usage/accounting.js';

test('requests count into their own series, in runs and alternating', () => {
  const histograms: Histogram[] = [];
  const pipeline = {
    histogram: (d: HistogramDefinition) => {
      const h = new Histogram(d);
      histograms.push(h);
      return h;
    },
  } as unknown as OtlpPipeline;
  const metrics = new GenAiMetrics(pipeline);
  // Each kind differs from the first in one attribute only, so a request after another of a
  // different kind finds its own series only if every attribute is compared.
  const kinds = [
    { operation: 'chat', model: 'gpt-4o', responseModel: 'gpt-4o-1', target: 'east/gpt-4o', errorType: undefined },
    { operation: 'chat', model: 'gpt-4o', responseModel: 'gpt-4o-2', target: 'east/gpt-4o', errorType: undefined },
    { operation: 'chat', model: 'gpt-4o', responseModel: 'gpt-4o-1', target: 'west/gpt-4o', errorType: undefined },
    { operation: 'chat', model: 'gpt-4o', responseModel: 'gpt-4o-1', target: 'east/gpt-4o', errorType: '429' },
    { operation: 'chat', model: 'mini', responseModel: 'gpt-4o-1', target: 'east/gpt-4o', errorType: undefined },
    {
      operation: 'text_completion',
      model: 'gpt-4o',
      responseModel: 'gpt-4o-1',
      target: 'east/gpt-4o',
      errorType: undefined,
    },
    { operation: 'chat', model: 'gpt-4o', responseModel: undefined, target: 'east/gpt-4o', errorType: undefined },
  ];
  const order = [0, 0, 1, 1, 0, 2, 0, 3, 3, 0, 4, 0, 5, 5, 0, 6, 0, 1, 2, 3, 4, 5, 6, 6];
  const expected = new Map<number, { count: number; input: number; output: number }>();
  order.forEach((k, i) => {
    const kind = kinds[k]!;
    const acc: RequestAccounting = { model: kind.model, target: kind.target, imageBytesSaved: 0 };
    if (!kind.errorType)
      acc.tokens = { prompt: 10 + i, completion: 100 + i, total: 110 + 2 * i, cached: 0, reasoning: 0 };
    const done: ClosedRequest = { acc, status: kind.errorType ? 429 : 200, keyId: 'k', latencyMs: 50 };
    metrics.record(done, { responseModel: kind.responseModel, finishReasons: [] }, kind.operation, kind.errorType);
    const e = expected.get(k) ?? { count: 0, input: 0, output: 0 };
    e.count++;
    if (!kind.errorType) {
      e.input += 10 + i;
      e.output += 100 + i;
    }
    expected.set(k, e);
  });
  const [tokens, duration] = histograms as [Histogram, Histogram];
  const seriesOf = (h: Histogram, kind: (typeof kinds)[number], type?: string) =>
    h
      .snapshot()
      .filter(
        (s) =>
          s.attributes['gen_ai.operation.name'] === kind.operation &&
          s.attributes['gen_ai.request.model'] === kind.model &&
          s.attributes['gen_ai.response.model'] === kind.responseModel &&
          s.attributes['gateway.target'] === kind.target &&
          s.attributes['error.type'] === kind.errorType &&
          s.attributes['gen_ai.token.type'] === type,
      );
  kinds.forEach((kind, k) => {
    const e = expected.get(k)!;
    const [d] = seriesOf(duration, kind);
    assert.equal(d?.count, e.count, `duration count of kind ${k}`);
    assert.equal(seriesOf(duration, kind).length, 1);
    const [input] = seriesOf(tokens, kind, 'input');
    const [output] = seriesOf(tokens, kind, 'output');
    assert.equal(input?.sum, kind.errorType ? undefined : e.input, `input tokens of kind ${k}`);
    assert.equal(output?.sum, kind.errorType ? undefined : e.output, `output tokens of kind ${k}`);
  });
  assert.equal(duration.size, kinds.length);
  assert.equal(tokens.size, 2 * kinds.filter((k) => !k.errorType).length);
});
