// SseTap's convert mode (the translated relay's), its trailer and breakOff (how every relayed
// stream is closed): only converted frames leave, one chunk per event, never the input's own
// bytes; after a failure no half event goes out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finished } from 'node:stream/promises';
import { SseTap, type SseTapOptions } from '../../proxy/relay/sse-events.js';

async function run(input: string[], opts: SseTapOptions): Promise<string[]> {
  const tap = new SseTap(opts);
  const chunks: string[] = [];
  tap.on('data', (c: Buffer) => chunks.push(c.toString()));
  for (const c of input) tap.write(Buffer.from(c));
  tap.end();
  await finished(tap);
  return chunks;
}

const upper = (e: { event: string | undefined; data: string }) =>
  e.data === 'skip' ? [] : [`data: ${e.data.toUpperCase()}\n\n`, `data: (${e.event ?? 'message'})\n\n`];

test("convert: each event's frames go out as one chunk; comments, skipped events and an unterminated tail do not", async () => {
  const chunks = await run(
    [': keepalive\n\ndata: a', 'b\n\nevent: x\ndata: c\n\ndata: skip\n\ndata: tail-without-blank-line'],
    { convert: upper },
  );
  assert.deepEqual(chunks, ['data: AB\n\ndata: (message)\n\n', 'data: C\n\ndata: (x)\n\n']);
});

test('convert: past maxEventBytes nothing of the input leaks through; events after it are not converted either', async () => {
  const chunks = await run(['data: ok\n\n', `data: ${'x'.repeat(100)}`, '\n\ndata: after\n\n'], {
    convert: (e) => [`<${e.data}>`],
    maxEventBytes: 64,
  });
  assert.deepEqual(chunks, ['<ok>']);
});

test('convert: a throwing converter yields nothing for that event and the stream goes on', async () => {
  const chunks = await run(['data: 1\n\ndata: boom\n\ndata: 3\n\n'], {
    convert: (e) => {
      if (e.data === 'boom') throw new Error('converter bug');
      return [e.data];
    },
  });
  assert.deepEqual(chunks, ['1', '3']);
});

test('trailer: its frames close the output after everything else, in every mode', async () => {
  const trailer = () => ['data: END\n\n', 'data: [DONE]\n\n'];
  assert.deepEqual(await run(['data: a\n\n'], { convert: (e) => [e.data], trailer }), [
    'a',
    'data: END\n\ndata: [DONE]\n\n',
  ]);
  assert.deepEqual(await run(['data: a\n\ndata: b\n\n'], { drop: (e) => e.data === 'b', trailer }), [
    'data: a\n\n',
    'data: END\n\ndata: [DONE]\n\n',
  ]);
  assert.deepEqual(await run(['data: a\n\n'], { trailer: () => [] }), ['data: a\n\n']);
});

test('breakOff: after a failure an unfinished event is dropped, not handed on as a clean end would', async () => {
  const trailer = () => ['data: failed\n\n'];
  const tap = new SseTap({ drop: () => false, trailer });
  const chunks: string[] = [];
  tap.on('data', (c: Buffer) => chunks.push(c.toString()));
  tap.write(Buffer.from('data: whole\n\ndata: half'));
  tap.breakOff();
  await finished(tap);
  assert.deepEqual(chunks, ['data: whole\n\n', 'data: failed\n\n']);
  assert.deepEqual(await run(['data: whole\n\ndata: half'], { drop: () => false, trailer }), [
    'data: whole\n\n',
    'data: half',
    'data: failed\n\n',
  ]);
});

test('drop and convert exclude each other', () => {
  assert.throws(() => new SseTap({ drop: () => false, convert: () => [] }), /exclude each other/);
});
