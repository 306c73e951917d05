// SseTap: SSE parsing per the WHATWG spec, byte-exact pass-through, framing with drop, limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { setImmediate as tick } from 'node:timers/promises';
import { SseTap, parseJsonData, type SseEvent, type SseTapOptions } from '../../proxy/relay/sse-events.js';

interface Run {
  out: Buffer;
  chunks: Buffer[];
  events: SseEvent[];
}

/** Writes the chunks into a fresh tap and collects what comes out and what onEvent saw. */
async function run(input: (string | Buffer)[], opts: SseTapOptions = {}): Promise<Run> {
  const events: SseEvent[] = [];
  const tap = new SseTap({
    ...opts,
    onEvent: (e) => {
      events.push(e);
      opts.onEvent?.(e);
    },
  });
  const chunks: Buffer[] = [];
  tap.on('data', (c: Buffer) => chunks.push(c));
  for (const c of input) tap.write(typeof c === 'string' ? Buffer.from(c) : c);
  tap.end();
  await finished(tap);
  return { out: Buffer.concat(chunks), chunks, events };
}

/** Events as plain values, so deepEqual shows readable diffs. */
const view = (events: SseEvent[]) =>
  events.map((e) => ({ event: e.event, data: e.data, id: e.id, raw: e.raw.toString() }));

const filter = { hate: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };
const base = {
  created: 1735000000,
  id: 'chatcmpl-AbC',
  model: 'gpt-4o-2024-11-20',
  object: 'chat.completion.chunk',
  system_fingerprint: 'fp_1',
};
const usage = { completion_tokens: 3, prompt_tokens: 9, total_tokens: 12 };
const AZURE_EVENTS = [
  {
    choices: [],
    created: 0,
    id: '',
    model: '',
    object: '',
    prompt_filter_results: [{ prompt_index: 0, content_filter_results: filter }],
  },
  {
    choices: [{ content_filter_results: {}, delta: { content: '', role: 'assistant' }, finish_reason: null, index: 0 }],
    ...base,
    usage: null,
  },
  {
    choices: [{ content_filter_results: filter, delta: { content: '你好' }, finish_reason: null, index: 0 }],
    ...base,
    usage: null,
  },
  {
    choices: [{ content_filter_results: filter, delta: { content: ' 🌍!' }, finish_reason: null, index: 0 }],
    ...base,
    usage: null,
  },
  { choices: [{ content_filter_results: {}, delta: {}, finish_reason: 'stop', index: 0 }], ...base, usage: null },
  { choices: [], ...base, usage },
];
const AZURE_BLOCKS = [...AZURE_EVENTS.map((o) => `data: ${JSON.stringify(o)}\n\n`), 'data: [DONE]\n\n'];
const AZURE = Buffer.from(AZURE_BLOCKS.join(''));

/** The proxy's predicate: the usage-only chunk it asked for itself. */
function isUsageOnly(e: SseEvent): boolean {
  const v = parseJsonData(e);
  return (
    typeof v === 'object' &&
    v !== null &&
    'choices' in v &&
    Array.isArray(v.choices) &&
    v.choices.length === 0 &&
    'usage' in v &&
    v.usage !== null
  );
}

test('Azure chat stream: tap mode passes the bytes through and reports every event', async () => {
  const r = await run([AZURE]);
  assert.ok(r.out.equals(AZURE));
  assert.deepEqual(
    r.events.map((e) => e.data),
    [...AZURE_EVENTS.map((o) => JSON.stringify(o)), '[DONE]'],
  );
  assert.deepEqual(
    r.events.map((e) => e.raw.toString()),
    AZURE_BLOCKS,
  );
  assert.deepEqual(r.events.slice(0, -1).map(parseJsonData), AZURE_EVENTS);
  assert.equal(parseJsonData(r.events[6] as SseEvent), undefined);
  assert.deepEqual(r.events.map(isUsageOnly), [false, false, false, false, false, true, false]);
});

test('framing mode drops the usage-only chunk and keeps every other byte', async () => {
  const r = await run([AZURE], { drop: isUsageOnly });
  assert.equal(r.out.toString(), AZURE_BLOCKS.filter((_, i) => i !== 5).join(''));
  assert.equal(r.events.length, 7); // onEvent still sees the dropped event
  // Framed output: each pushed chunk is exactly one event.
  assert.deepEqual(
    r.chunks.map(String),
    AZURE_BLOCKS.filter((_, i) => i !== 5),
  );
});

test('framing mode with a drop that keeps everything preserves the bytes', async () => {
  const input = ': hi\n\nevent: x\r\ndata: 1\r\n\r\nid: 2\rdata: 2\r\r: ping\n\ndata: tail';
  const r = await run([input], { drop: () => false });
  assert.equal(r.out.toString(), input);
});

test('Responses API stream: event names come from event: lines', async () => {
  const input = [
    'event: response.created\ndata: {"type":"response.created","sequence_number":0,"response":{"id":"resp_1","status":"in_progress"}}\n\n',
    'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":1,"delta":"Hi"}\n\n',
    'event: response.completed\ndata: {"type":"response.completed","sequence_number":2,"response":{"usage":{"input_tokens":8,"output_tokens":2,"total_tokens":10}}}\n\n',
  ];
  const r = await run([input.join('')]);
  assert.deepEqual(
    r.events.map((e) => e.event),
    ['response.created', 'response.output_text.delta', 'response.completed'],
  );
  assert.deepEqual(parseJsonData(r.events[1] as SseEvent), {
    type: 'response.output_text.delta',
    sequence_number: 1,
    delta: 'Hi',
  });
  assert.deepEqual(
    r.events.map((e) => e.raw.toString()),
    input,
  );
});

test('CRLF line endings', async () => {
  const r = await run(['event: a\r\ndata: x\r\ndata: y\r\n\r\ndata: z\r\n\r\n']);
  assert.deepEqual(view(r.events), [
    { event: 'a', data: 'x\ny', id: undefined, raw: 'event: a\r\ndata: x\r\ndata: y\r\n\r\n' },
    { event: undefined, data: 'z', id: undefined, raw: 'data: z\r\n\r\n' },
  ]);
});

test('CR-only line endings', async () => {
  const r = await run(['data: x\rdata: y\r\rdata: z\r\r']);
  assert.deepEqual(view(r.events), [
    { event: undefined, data: 'x\ny', id: undefined, raw: 'data: x\rdata: y\r\r' },
    { event: undefined, data: 'z', id: undefined, raw: 'data: z\r\r' },
  ]);
});

test('a CRLF split between chunks is one line ending, not two', async () => {
  const r = await run(['data: a\r', '\ndata: b\r\n\r', '\ndata: c\n\n']);
  assert.deepEqual(view(r.events), [
    { event: undefined, data: 'a\nb', id: undefined, raw: 'data: a\r\ndata: b\r\n\r\n' },
    { event: undefined, data: 'c', id: undefined, raw: 'data: c\n\n' },
  ]);
  const framed = await run(['data: a\r', '\n\r', '\ndata: b\n\n'], { drop: (e) => e.data === 'a' });
  assert.equal(framed.out.toString(), 'data: b\n\n');
});

test('a CR that ends the stream still ends its line', async () => {
  const r = await run(['data: a\n\r'], { drop: () => false });
  assert.deepEqual(view(r.events), [{ event: undefined, data: 'a', id: undefined, raw: 'data: a\n\r' }]);
  assert.equal(r.out.toString(), 'data: a\n\r');
});

test('multi-line data is joined with LF, empty data lines included', async () => {
  const r = await run(['data: a\ndata:\ndata\ndata: b\n\n']);
  assert.equal(r.events[0]?.data, 'a\n\n\nb');
});

test('a data field without a space, or with two, strips exactly one space', async () => {
  const r = await run(['data:x\n\ndata:  y\n\nevent:ping\ndata:{}\n\n']);
  assert.deepEqual(
    r.events.map((e) => [e.event, e.data]),
    [
      [undefined, 'x'],
      [undefined, ' y'],
      ['ping', '{}'],
    ],
  );
});

test('comments and keepalives are never dispatched, and framing keeps them even when dropping everything', async () => {
  const input = ': ping\n\ndata: x\n\n:\n: ping\r\n\r\n';
  let asked = 0;
  const r = await run([input], {
    drop: () => {
      asked++;
      return true;
    },
  });
  assert.deepEqual(view(r.events), [{ event: undefined, data: 'x', id: undefined, raw: 'data: x\n\n' }]);
  assert.equal(asked, 1);
  assert.equal(r.out.toString(), ': ping\n\n:\n: ping\r\n\r\n');
});

test('events without data are not dispatched; retry and unknown fields are ignored; event type resets', async () => {
  const r = await run(['event: lonely\n\nretry: 10\nfoo: bar\n\nevent: one\ndata: a\n\ndata: b\n\n']);
  assert.deepEqual(
    r.events.map((e) => [e.event, e.data, e.raw.toString()]),
    [
      ['one', 'a', 'event: one\ndata: a\n\n'],
      [undefined, 'b', 'data: b\n\n'],
    ],
  );
});

test('id: fields set the last event ID, which persists; an id containing NUL is ignored', async () => {
  const r = await run(['data: a\n\nid: 1\ndata: b\n\ndata: c\n\nid: x\0y\ndata: d\n\nid\ndata: e\n\n']);
  assert.deepEqual(
    r.events.map((e) => e.id),
    [undefined, '1', '1', '1', ''],
  );
});

test('multi-byte UTF-8 split at every byte position decodes intact', async () => {
  const input = Buffer.from('data: 你好🌍é\n\n');
  for (let i = 1; i < input.length; i++) {
    const r = await run([input.subarray(0, i), input.subarray(i)]);
    assert.equal(r.events[0]?.data, '你好🌍é', `split at ${i}`);
    assert.ok(r.out.equals(input));
  }
});

test('a UTF-8 BOM is stripped from the first line only, even when split', async () => {
  const input = Buffer.from('\uFEFFdata: a\n\n\uFEFFdata: b\n\ndata: c\n\n');
  for (let i = 1; i <= 4; i++) {
    const r = await run([input.subarray(0, i), input.subarray(i)], { drop: () => false });
    // The second BOM makes the field name "\uFEFFdata", which is not a known field.
    assert.deepEqual(
      r.events.map((e) => e.data),
      ['a', 'c'],
    );
    assert.ok(r.out.equals(input));
  }
});

test('an unterminated trailing event is not dispatched, but framing passes its bytes', async () => {
  const r = await run(['data: a\n\ndata: b\n'], { drop: () => true });
  assert.deepEqual(
    r.events.map((e) => e.data),
    ['a'],
  );
  assert.equal(r.out.toString(), 'data: b\n');
});

test('tap mode pushes each chunk at once and uncopied; framing pushes an event as soon as it completes', async () => {
  const tap = new SseTap({ onEvent: () => {} });
  const seen: Buffer[] = [];
  tap.on('data', (c: Buffer) => seen.push(c));
  const chunk = Buffer.from('data: par');
  tap.write(chunk);
  await tick();
  assert.equal(seen[0], chunk); // the same object: no copy, no waiting for the event to end
  tap.destroy();

  const framer = new SseTap({ drop: () => false });
  const out: Buffer[] = [];
  framer.on('data', (c: Buffer) => out.push(c));
  framer.write(Buffer.from('data: a\n\ndata: b'));
  await tick();
  assert.equal(Buffer.concat(out).toString(), 'data: a\n\n');
  framer.write(Buffer.from('\n\n'));
  await tick();
  assert.equal(Buffer.concat(out).toString(), 'data: a\n\ndata: b\n\n');
  framer.destroy();
});

test('maxEventBytes: an event of exactly the limit is dispatched, one byte more stops parsing', async () => {
  const ev = 'data: 0123456789\n\n'; // 18 bytes
  const after = 'data: later\n\n';
  const exact = await run([ev, after], { maxEventBytes: 18 });
  assert.deepEqual(
    exact.events.map((e) => e.data),
    ['0123456789', 'later'],
  );
  const over = await run(['data: ok\n\n', ev, after], { maxEventBytes: 17, drop: () => true });
  assert.deepEqual(
    over.events.map((e) => e.data),
    ['ok'],
  );
  // Framing gave up: everything from the oversized event on passes through unchanged.
  assert.equal(over.out.toString(), ev + after);
});

test('maxEventBytes bounds what framing mode holds back', async () => {
  const tap = new SseTap({ drop: () => true, maxEventBytes: 1024 });
  const out: Buffer[] = [];
  tap.on('data', (c: Buffer) => out.push(c));
  let written = 'data: ';
  tap.write(Buffer.from(written));
  for (let i = 0; i < 30; i++) {
    const piece = 'x'.repeat(100);
    tap.write(Buffer.from(piece));
    written += piece;
  }
  await tick();
  // Without the limit the tap would still hold all 3006 bytes, waiting for a blank line.
  assert.equal(Buffer.concat(out).toString(), written);
  tap.end(Buffer.from('\n\n'));
  await finished(tap);
  assert.equal(Buffer.concat(out).toString(), `${written}\n\n`);
});

test('exceptions in onEvent or drop do not break the stream; a throwing drop keeps the event', async () => {
  const tapped = await run([AZURE], {
    onEvent: () => {
      throw new Error('observer bug');
    },
  });
  assert.ok(tapped.out.equals(AZURE));
  assert.equal(tapped.events.length, 7);

  let dropAsked = 0;
  const framed = await run([AZURE], {
    onEvent: () => {
      throw new Error('observer bug');
    },
    drop: (e) => {
      dropAsked++;
      if (isUsageOnly(e)) throw new Error('predicate bug');
      return e.data === '[DONE]';
    },
  });
  assert.equal(dropAsked, 7);
  assert.equal(framed.out.toString(), AZURE_BLOCKS.slice(0, 6).join(''));
});

test('backpressure: a slow consumer gets every byte in order and the source is not drained ahead', async () => {
  const blocks = Array.from({ length: 256 }, (_, i) =>
    Buffer.from(`data: ${String(i).padStart(16 * 1024 - 9, '.')}\n\n`),
  );
  for (const drop of [undefined, () => false]) {
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const source = Readable.from(
      (function* () {
        for (const b of blocks) {
          produced += b.length;
          maxAhead = Math.max(maxAhead, produced - consumed);
          yield b;
        }
      })(),
      { objectMode: false },
    );
    const got: Buffer[] = [];
    const sink = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, cb) {
        got.push(chunk);
        consumed += chunk.length;
        setImmediate(cb);
      },
    });
    let events = 0;
    await pipeline(source, new SseTap({ drop, onEvent: () => events++ }), sink);
    assert.ok(Buffer.concat(got).equals(Buffer.concat(blocks)));
    assert.equal(events, 256);
    // 4 MiB total; the stream buffers between source and sink hold a few hundred KiB at most.
    assert.ok(maxAhead < 512 * 1024, `source ran ${maxAhead} bytes ahead of the consumer`);
  }
});

test('parseJsonData returns parsed JSON, or undefined for [DONE] and invalid JSON', () => {
  const ev = (data: string): SseEvent => ({ event: undefined, data, id: undefined, raw: Buffer.alloc(0) });
  assert.deepEqual(parseJsonData(ev('{"a":[1]}')), { a: [1] });
  assert.equal(parseJsonData(ev('[DONE]')), undefined);
  assert.equal(parseJsonData(ev('{"a":')), undefined);
});
