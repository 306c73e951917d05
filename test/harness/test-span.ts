/**
 * A finished span for the OTLP encoder and exporter tests: every field filled (as the recorder
 * fills them), span id `n` in hex, and `fields` in place of the defaults (attributes as an object).
 */
import { emptySpan, type SpanRecord } from '../../proxy/telemetry/otlp/span-record.js';
import { attributesOf, type Attrs } from '../../proxy/telemetry/otlp/attributes.js';

export const TEST_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

export function testSpan(
  n: number,
  fields: Partial<Omit<SpanRecord, 'attributes'>> & { attributes?: Attrs } = {},
): SpanRecord {
  const { attributes, ...rest } = fields;
  return {
    ...emptySpan(2, attributesOf(attributes ?? {})),
    traceId: TEST_TRACE_ID,
    spanId: n.toString(16).padStart(16, '0'),
    name: `span ${n}`,
    startMs: 1_700_000_000_000,
    endMs: 1_700_000_000_001,
    ...rest,
  };
}
