// Closed traces cross to the exporter's thread as numbers, id bytes and the strings that changed
// (trace-notes.ts): every field must come back as written, in order, whether it repeats from the
// trace before or not, across runs, for traces with many tries, caller ids, events and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NotesReader,
  NotesWriter,
  RUN,
  type ClosedTrace,
  type NotesRun,
} from '../../proxy/telemetry/otlp/trace-notes.js';
import { lastCut, newSpanId, newTraceId } from '../../proxy/telemetry/otlp/trace-ids.js';

// A trace as the request thread would close it, varied by `n`.
function closedTrace(n: number): ClosedTrace {
  const caller = n % 7 === 3;
  const traceId = caller ? '4bf92f3577b34da6a3ce929d0e0e4736' : newTraceId();
  const traceCut = { ...lastCut };
  const spanId = newSpanId();
  const spanCut = { ...lastCut };
  // Now and then many tries; once, more than a fresh run's buffers hold.
  const tries = n === 250 ? RUN * 14 : n % 11 === 5 ? 40 : 1 + (n % 3);
  const attempts = Array.from({ length: tries }, (_, k) => {
    const id = newSpanId();
    return {
      spanId: id,
      spanIdPool: lastCut.pool,
      spanIdAt: lastCut.at,
      startMs: 1_700_000_000_000 + n + k / 8,
      endMs: 1_700_000_000_050 + n + k / 8,
      status: k === tries - 1 ? 200 : 429,
      failure: n % 5 === 1 && k === 0 ? 'UND_ERR_SOCKET' : '',
      failureMessage: n % 5 === 1 && k === 0 ? `socket closed ${n}` : '',
      cooldownMs: k === tries - 1 ? -1 : 1000 + k,
      target: { upstream: k % 2 ? 'west' : 'east', deployment: `dep-${k % 2}`, key: `${k % 2 ? 'west' : 'east'}/dep` },
    };
  });
  const tokens = n % 4 === 2 ? undefined : { prompt: 10 + n, completion: 20 + 2 * n };
  return {
    traceId,
    traceIdPool: caller ? undefined : traceCut.pool,
    traceIdAt: caller ? 0 : traceCut.at,
    spanId,
    spanIdPool: spanCut.pool,
    spanIdAt: spanCut.at,
    parentSpanId: caller ? '00f067aa0ba902b7' : '',
    parentIdPool: undefined,
    parentIdAt: 0,
    traceState: caller ? 'vendor=a' : '',
    recording: n % 9 !== 4,
    startMs: 1_700_000_000_000.25 + n,
    endMs: 1_700_000_000_100.5 + n,
    method: n % 6 === 0 ? 'GET' : 'POST',
    url: n % 6 === 0 ? '/v1/models' : '/v1/chat/completions?x=1',
    operation: n % 6 === 0 ? undefined : 'chat',
    attempts,
    events:
      n % 8 === 7
        ? [{ name: 'gateway.target.skipped', atMs: 1.5, attributes: { 'gateway.target': 'east/dep' } }]
        : undefined,
    meta: {
      responseModel: n % 10 === 9 ? undefined : 'gpt-4o-2024',
      // Now and then no id, one past ASCII, or one longer than crosses as bytes.
      responseId:
        n % 17 === 5
          ? undefined
          : n % 19 === 7
            ? `réponse→${n}`
            : n % 23 === 11
              ? `resp_${'a'.repeat(200)}${n}`
              : `chatcmpl-${n}`,
      finishReasons: n % 4 === 0 ? [] : n % 4 === 1 ? ['stop'] : n % 4 === 2 ? ['length'] : ['stop', 'length'],
    },
    errorType: n % 5 === 1 ? 'rate_limit_exceeded' : undefined,
    skipped: n % 8 === 7 ? 1 : 0,
    cooldowns: tries - 1,
    limit: n % 13 === 12 ? 'tokens-per-minute' : undefined,
    done: {
      acc: tokens
        ? { model: 'gpt-4o', target: 'east/dep', tokens }
        : { model: n % 3 ? 'gpt-4o' : undefined, target: undefined },
      status: n % 5 === 1 ? 429 : 200,
      keyId: n % 2 ? 'support-bot' : 'batch-job',
      team: n % 3 ? 'support' : undefined,
      latencyMs: 12.5 + n,
    },
  };
}

// What the exporter's thread needs of a trace, as plain values (ids as hex digits).
function plain(t: ClosedTrace, read = false) {
  const hex = (pool: Uint8Array | undefined, at: number, digits: string, bytes: number) =>
    pool ? Buffer.from(pool.subarray(at, at + bytes)).toString('hex') : digits;
  if (read) assert.ok(t.traceIdPool && t.spanIdPool, 'ids are read as bytes');
  const { done, meta, attempts, events } = t;
  return {
    traceId: hex(t.traceIdPool, t.traceIdAt, t.traceId, 16),
    spanId: hex(t.spanIdPool, t.spanIdAt, t.spanId, 8),
    parentSpanId: hex(t.parentIdPool, t.parentIdAt, t.parentSpanId, 8),
    traceState: t.traceState,
    recording: t.recording,
    times: [t.startMs, t.endMs],
    request: [t.method, t.url, t.operation, t.errorType, t.skipped, t.cooldowns, t.limit],
    events,
    meta: [meta.responseModel, meta.responseId, meta.finishReasons],
    done: [
      done.status,
      done.keyId,
      done.team,
      done.latencyMs,
      done.acc.model,
      done.acc.target,
      done.acc.tokens && { ...done.acc.tokens },
    ],
    attempts: attempts.map((a) => ({
      spanId: hex(a.spanIdPool, a.spanIdAt, a.spanId, 8),
      values: [a.startMs, a.endMs, a.status, a.failure, a.failureMessage, a.cooldownMs],
      target: { ...a.target },
    })),
  };
}

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  test(`closed traces come back field for field across runs (${protocol})`, () => {
    const writer = new NotesWriter();
    const reader = new NotesReader(protocol === 'http/json');
    const runs: NotesRun[] = [];
    const written: ReturnType<typeof plain>[] = [];
    // Enough traces to fill several runs and the id pools more than once; one trace in eleven
    // has 40 tries, more than a run's buffers hold with the rest, which starts a run of its own.
    for (let n = 0; n < 600; n++) {
      const t = closedTrace(n);
      written.push(plain(t));
      writer.write(t, t.done, (run) => runs.push(run));
    }
    if (writer.count > 0) runs.push(writer.take());
    // Runs are full but where a trace did not fit: one with many tries starts a run of its own.
    const notFull = runs.slice(0, -1).filter((r) => r.count < RUN).length;
    assert.ok(notFull > 0, 'a trace that did not fit started a run');
    const fresh = new NotesWriter().take();
    assert.ok(
      runs.some((r) => r.numbers.length > fresh.numbers.length && r.ids.length > fresh.ids.length),
      'a trace larger than a fresh run got buffers of its size',
    );
    const read: ReturnType<typeof plain>[] = [];
    for (const run of runs) reader.read(run, (t) => read.push(plain(t, true)));
    assert.equal(read.length, written.length);
    for (let n = 0; n < read.length; n++) assert.deepEqual(read[n], written[n], `trace ${n}`);
  });
}

test('a string that repeats from the trace before crosses once, an answer id as bytes', () => {
  const writer = new NotesWriter();
  let run: NotesRun | undefined;
  // A request with one try: a run holds RUN of them.
  const first = closedTrace(0);
  // The same request again but for its response id, which differs in every answer.
  const again = (n: number) => ({
    ...first,
    meta: { ...first.meta, finishReasons: ['stop'], responseId: `chatcmpl-${n}` },
  });
  for (let n = 0; n < RUN; n++) writer.write(again(n), first.done, (full) => (run = full));
  assert.ok(run, 'a full run is handed over');
  assert.equal(run.count, RUN);
  // The first trace's strings only: the answers' ids cross as bytes, and no string is held by
  // the run for each request.
  const once = new NotesWriter();
  once.write(again(0), first.done, () => assert.fail('no run fills'));
  assert.equal(run.texts.length, once.take().texts.length);
  assert.ok(!run.texts.some((v) => typeof v === 'string' && v.startsWith('chatcmpl-')));
  const back: unknown[] = [];
  new NotesReader(false).read(run, (t) =>
    back.push([t.meta.responseId, t.meta.finishReasons, t.done.keyId, t.attempts[0]?.target.key]),
  );
  assert.deepEqual(
    back,
    Array.from({ length: RUN }, (_, n) => [`chatcmpl-${n}`, ['stop'], 'batch-job', 'east/dep']),
  );
});

test('after a run the reader never saw, every string crosses again', () => {
  const writer = new NotesWriter();
  const reader = new NotesReader(false);
  const write = (n: number) => {
    const t = closedTrace(n);
    writer.write(t, t.done, () => assert.fail('no run fills'));
    return plain(t);
  };
  const first = write(1);
  const readAll = (run: NotesRun) => {
    const out: ReturnType<typeof plain>[] = [];
    reader.read(run, (t) => out.push(plain(t, true)));
    return out;
  };
  const [one] = readAll(writer.take());
  assert.deepEqual(one, first);
  // A run that is dropped on the way (the exporter's thread was behind): its strings were new.
  write(2);
  writer.take();
  writer.forget();
  // The same request as the dropped one: nothing it repeats may be read from the lost run.
  const third = write(2);
  const [back] = readAll(writer.take());
  assert.deepEqual(back, third);
});

test('the JSON reader gives ids as hex digits, the protobuf reader leaves them to the bytes', () => {
  for (const json of [true, false]) {
    const writer = new NotesWriter();
    const t = closedTrace(1);
    writer.write(t, t.done, () => assert.fail('one trace fills no run'));
    const ids: string[][] = [];
    new NotesReader(json).read(writer.take(), (back) =>
      ids.push([back.traceId, back.spanId, back.attempts[0]?.spanId ?? '']),
    );
    const want = plain(t);
    assert.deepEqual(ids, [json ? [want.traceId, want.spanId, want.attempts[0]?.spanId] : ['', '', '']]);
  }
});
