/**
 * The part of OTLP's protobuf schema (opentelemetry-proto: collector trace and metrics service
 * requests) the test receiver decodes, as a protobufjs reflection root. Field numbers are the
 * proto files' own.
 */
import protobuf from 'protobufjs';

const KV = { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } };
const attrs = (id: number) => ({ rule: 'repeated', type: 'KeyValue', id });

/** The decoding root: `opentelemetry.ExportTraceServiceRequest` and `opentelemetry.ExportMetricsServiceRequest`. */
export const otlpRoot = protobuf.Root.fromJSON({
  nested: {
    opentelemetry: {
      nested: {
        AnyValue: {
          oneofs: {
            value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'bytesValue'] },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValue: { fields: KV },
        Resource: { fields: { attributes: attrs(1) } },
        Scope: { fields: { name: { type: 'string', id: 1 } } },
        Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
        Event: {
          fields: { timeUnixNano: { type: 'fixed64', id: 1 }, name: { type: 'string', id: 2 }, attributes: attrs(3) },
        },
        Span: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            traceState: { type: 'string', id: 3 },
            parentSpanId: { type: 'bytes', id: 4 },
            name: { type: 'string', id: 5 },
            kind: { type: 'int32', id: 6 },
            startTimeUnixNano: { type: 'fixed64', id: 7 },
            endTimeUnixNano: { type: 'fixed64', id: 8 },
            attributes: attrs(9),
            events: { rule: 'repeated', type: 'Event', id: 11 },
            status: { type: 'Status', id: 15 },
          },
        },
        ScopeSpans: { fields: { scope: { type: 'Scope', id: 1 }, spans: { rule: 'repeated', type: 'Span', id: 2 } } },
        ResourceSpans: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
          },
        },
        ExportTraceServiceRequest: { fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } } },
        NumberDataPoint: {
          fields: {
            attributes: attrs(7),
            asDouble: { type: 'double', id: 4 },
            asInt: { type: 'sfixed64', id: 6 },
          },
        },
        HistogramDataPoint: {
          fields: {
            attributes: attrs(9),
            count: { type: 'fixed64', id: 4 },
            sum: { type: 'double', id: 5 },
            bucketCounts: { rule: 'repeated', type: 'fixed64', id: 6 },
            explicitBounds: { rule: 'repeated', type: 'double', id: 7 },
          },
        },
        Gauge: { fields: { dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 } } },
        Sum: { fields: { dataPoints: { rule: 'repeated', type: 'NumberDataPoint', id: 1 } } },
        Histogram: { fields: { dataPoints: { rule: 'repeated', type: 'HistogramDataPoint', id: 1 } } },
        Metric: {
          fields: {
            name: { type: 'string', id: 1 },
            unit: { type: 'string', id: 3 },
            gauge: { type: 'Gauge', id: 5 },
            sum: { type: 'Sum', id: 7 },
            histogram: { type: 'Histogram', id: 9 },
          },
        },
        ScopeMetrics: {
          fields: { scope: { type: 'Scope', id: 1 }, metrics: { rule: 'repeated', type: 'Metric', id: 2 } },
        },
        ResourceMetrics: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeMetrics: { rule: 'repeated', type: 'ScopeMetrics', id: 2 },
          },
        },
        ExportMetricsServiceRequest: {
          fields: { resourceMetrics: { rule: 'repeated', type: 'ResourceMetrics', id: 1 } },
        },
      },
    },
  },
});
