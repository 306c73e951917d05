/**
 * How many spans an OTLP/protobuf trace export carries, read without decoding them, so the
 * telemetry row's sink can tell an exporter that kept up from one that dropped spans
 * (docs/telemetry.md, "Measured"). ExportTraceServiceRequest holds ResourceSpans in field 1,
 * ResourceSpans holds ScopeSpans in field 2, and ScopeSpans holds its spans in field 2.
 */

// Calls `each(field, start, end)` for every length-delimited field of the message in
// bytes[from, to); other wire types are skipped.
function lengthDelimited(
  bytes: Uint8Array,
  from: number,
  to: number,
  each: (field: number, start: number, end: number) => void,
): void {
  let at = from;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (at >= to) throw new Error('OTLP body: a varint runs past its message');
      const b = bytes[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  while (at < to) {
    const tag = varint();
    const wire = tag & 7;
    if (wire === 0) varint();
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = varint();
      const end = at + length;
      if (end > to) throw new Error('OTLP body: a field runs past its message');
      each(Math.floor(tag / 8), at, end);
      at = end;
    } else throw new Error(`OTLP body: wire type ${wire} is not expected`);
  }
  if (at !== to) throw new Error('OTLP body: a field runs past its message');
}

/** The spans in an OTLP/protobuf ExportTraceServiceRequest. */
export function countSpans(body: Uint8Array): number {
  let spans = 0;
  lengthDelimited(body, 0, body.length, (field, start, end) => {
    if (field !== 1) return;
    lengthDelimited(body, start, end, (field2, start2, end2) => {
      if (field2 !== 2) return;
      lengthDelimited(body, start2, end2, (field3) => {
        if (field3 === 2) spans++;
      });
    });
  });
  return spans;
}
