// OTEL_TRACES_SAMPLER on the OTLP path: the default follows the caller and records new traces;
// always_off, traceidratio and the parent-based forms decide as the SDK specification says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { samplerFrom } from '../../proxy/telemetry/otlp/sampler.js';

const LOW = '00000000000000000000000000000001';
const HIGH = 'ffffffff000000000000000000000000';
const sampled = { traceId: LOW, spanId: '00f067aa0ba902b7', sampled: true };
const unsampled = { ...sampled, sampled: false };

test('the default is parent-based, always on', () => {
  const s = samplerFrom({});
  assert.deepEqual([s(LOW, undefined), s(LOW, sampled), s(LOW, unsampled)], [true, true, false]);
  assert.equal(samplerFrom({ OTEL_TRACES_SAMPLER: 'no-such-sampler' })(LOW, unsampled), false);
});

test('always_off, always_on and traceidratio ignore the caller', () => {
  assert.deepEqual(
    [
      samplerFrom({ OTEL_TRACES_SAMPLER: 'always_off' })(LOW, sampled),
      samplerFrom({ OTEL_TRACES_SAMPLER: 'always_on' })(LOW, unsampled),
    ],
    [false, true],
  );
  const half = samplerFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });
  assert.deepEqual([half(LOW, unsampled), half(HIGH, sampled)], [true, false]);
});

test('parentbased_traceidratio applies the ratio to new traces only', () => {
  const s = samplerFrom({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' });
  assert.deepEqual(
    [s(LOW, undefined), s(HIGH, undefined), s(HIGH, sampled), s(LOW, unsampled)],
    [true, false, true, false],
  );
  const none = samplerFrom({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
  const all = samplerFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'not a number' });
  assert.deepEqual([none(LOW, undefined), all(HIGH, undefined)], [false, true]);
});

test('at ratio 0.25, about a quarter of random trace ids are kept, the same ones every time', () => {
  const s = samplerFrom({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' });
  const ids = Array.from(
    { length: 256 },
    (_, i) => `${(i * 0x01010101).toString(16).padStart(8, '0')}${'0'.repeat(24)}`,
  );
  const kept = ids.filter((id) => s(id, undefined));
  // The ids' values are i * 0x01010101 for i < 256: exactly those below 0.25 * 0xffffffff.
  assert.equal(kept.length, 64);
  assert.deepEqual(
    ids.filter((id) => s(id, undefined)),
    kept,
  );
});
