// SseTap under adversarial chunking: however the bytes are split, output and events match the one-chunk run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fc from 'fast-check';
import { SseTap, type SseEvent, type SseTapOptions } from '../../proxy/relay/sse-events.js';

/** Every feature that chunk boundaries can break: BOM, LF/CRLF/CR endings, multi-byte text, comments, an unterminated tail. */
const STREAM = Buffer.from(
  [
    '\uFEFF: hi\n\n',
    'data: {"choices":[],"prompt_filter_results":[],"id":""}\n\n',
    'id: 7\r\ndata: {"choices":[{"delta":{"content":"你好🌍"}}]}\r\n\r\n',
    'event: delta\rdata: a\rdata:b\r\r',
    ': ping\r\n\r\n',
    'data: {"choices":[],"usage":{"total_tokens":3}}\n\n',
    'data: [DONE]\n\n',
    'data: t',
  ].join(''),
);
const USAGE = Buffer.from('data: {"choices":[],"usage":{"total_tokens":3}}\n\n');
const isUsage = (e: SseEvent): boolean => e.data.includes('"usage"');

interface Seen {
  event: string | undefined;
  data: string;
  id: string | undefined;
  raw: string;
}

async function run(chunks: Buffer[], opts: SseTapOptions): Promise<{ out: Buffer; events: Seen[] }> {
  const events: Seen[] = [];
  const tap = new SseTap({
    ...opts,
    onEvent: (e) => events.push({ event: e.event, data: e.data, id: e.id, raw: e.raw.toString('hex') }),
  });
  const out: Buffer[] = [];
  tap.on('data', (c: Buffer) => out.push(c));
  const ended = once(tap, 'end'); // cheaper than finished(), which matters over ~80k runs
  for (const c of chunks) tap.write(c);
  tap.end();
  await ended;
  return { out: Buffer.concat(out), events };
}

/** Splits STREAM at the given (sorted, distinct) positions. */
function split(at: number[]): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of [...at, STREAM.length]) {
    parts.push(STREAM.subarray(from, p));
    from = p;
  }
  return parts.filter((p) => p.length > 0);
}

const reference = await run([STREAM], {});
const at = STREAM.indexOf(USAGE);
const withoutUsage = Buffer.concat([STREAM.subarray(0, at), STREAM.subarray(at + USAGE.length)]);

async function check(chunks: Buffer[], label: string): Promise<void> {
  const tap = await run(chunks, {});
  assert.ok(tap.out.equals(STREAM), `tap bytes differ for ${label}`);
  assert.deepEqual(tap.events, reference.events, `events differ for ${label}`);
  const dropped = await run(chunks, { drop: isUsage });
  assert.ok(dropped.out.equals(withoutUsage), `framed bytes differ for ${label}`);
  assert.deepEqual(dropped.events, reference.events, `framed events differ for ${label}`);
  const kept = await run(chunks, { drop: () => false });
  assert.ok(kept.out.equals(STREAM), `framed-keep bytes differ for ${label}`);
}

test('the one-chunk reference parse is what the spec says', () => {
  assert.deepEqual(
    reference.events.map((e) => [e.event, e.data, e.id]),
    [
      [undefined, '{"choices":[],"prompt_filter_results":[],"id":""}', undefined],
      [undefined, '{"choices":[{"delta":{"content":"你好🌍"}}]}', '7'],
      ['delta', 'a\nb', '7'],
      [undefined, '{"choices":[],"usage":{"total_tokens":3}}', '7'],
      [undefined, '[DONE]', '7'],
    ],
  );
  assert.equal(Buffer.from(reference.events[3]?.raw ?? '', 'hex').toString(), USAGE.toString());
  assert.ok(withoutUsage.length === STREAM.length - USAGE.length);
});

test('split at every single position', async () => {
  for (let i = 1; i < STREAM.length; i++) await check(split([i]), `split at ${i}`);
});

test('split at every pair of positions', async () => {
  for (let i = 1; i < STREAM.length; i++) {
    for (let j = i + 1; j < STREAM.length; j++) await check(split([i, j]), `split at ${i},${j}`);
  }
});

test('byte by byte', async () => {
  await check(split(Array.from({ length: STREAM.length - 1 }, (_, i) => i + 1)), 'byte by byte');
});

test('random splits (fast-check)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.integer({ min: 1, max: STREAM.length - 1 }), { maxLength: 40 }),
      async (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        await check(split(sorted), `split at ${sorted.join(',')}`);
      },
    ),
    { numRuns: 1000 },
  );
});
