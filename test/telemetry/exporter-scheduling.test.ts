// The OTLP exporter's thread runs in Linux's idle scheduling class (otlp/idle-scheduling.ts):
// that thread alone, never the request thread or a thread of libuv's pool (also when the
// exporter's thread is the first to use that pool); normal when OTLP_EXPORTER_SCHEDULING says so,
// and a value it does not know is reported; and a machine where the class cannot be set still
// exports, with a warning that says why.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import { ExporterThread, EXPORTER_THREAD_NAME } from '../../proxy/telemetry/otlp/otlp-thread.js';
import { exporterScheduling } from '../../proxy/telemetry/exporter-settings.js';
import { SCHED_IDLE, SCHED_OTHER, threadPolicies } from '../harness/thread-policies.js';

const execFileAsync = promisify(execFile);
// The harness module, for the scripts these tests run in another process or thread.
const policies = new URL('../harness/thread-policies.js', import.meta.url).href;

// Starts an exporter's thread with `scheduling` and returns it with its thread's info and the log.
async function spawned(t: TestContext, scheduling?: 'idle' | 'normal') {
  const before = new Set(threadPolicies().map((x) => x.tid));
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const thread = await ExporterThread.spawn(log, undefined, scheduling);
  t.after(() => thread.terminate());
  const fresh = threadPolicies().filter((x) => !before.has(x.tid) && x.name === EXPORTER_THREAD_NAME);
  assert.equal(fresh.length, 1, 'one new thread named as the exporter');
  const messages = lines.map((l) => {
    const parsed: unknown = JSON.parse(l);
    return parsed as { msg: string; level: number; why?: string };
  });
  return { thread, info: fresh[0]!, messages };
}

test('the exporter thread runs in the idle class; every other thread keeps the normal one', async (t) => {
  const { info, messages } = await spawned(t);
  assert.equal(info.policy, SCHED_IDLE);
  const others = threadPolicies().filter((x) => x.tid !== info.tid);
  assert.ok(others.length > 4, 'the request thread, V8 and libuv threads are there');
  assert.deepEqual(
    others.filter((x) => x.policy !== SCHED_OTHER).map((x) => `${x.name} (${x.tid}): ${x.policy}`),
    [],
    'no other thread was lowered (libuv pool threads included)',
  );
  assert.ok(messages.some((m) => m.msg.includes('idle CPU time (SCHED_IDLE)') && m.level === 30));
});

test("libuv's pool keeps the normal class when the exporter thread is the first to use it", async (t) => {
  // A process of its own, in which nothing has queued work on libuv's pool before the exporter
  // thread starts: a thread is made in the class of the thread that makes it.
  const thread = new URL('../../proxy/telemetry/otlp/otlp-thread.js', import.meta.url).href;
  const script = `
    import { ExporterThread } from ${JSON.stringify(thread)};
    import { threadPolicies } from ${JSON.stringify(policies)};
    const quiet = { info() {}, warn() {}, error() {} };
    const exporter = await ExporterThread.spawn(quiet);
    const list = threadPolicies();
    await exporter.terminate();
    process.stdout.write(JSON.stringify(list));`;
  // A file, not `--input-type=module -e`: the exporter's thread inherits the process's flags, and
  // a thread started from a file refuses that one.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'exporter-scheduling-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'first-pool-user.mjs');
  await writeFile(file, script);
  const { stdout } = await execFileAsync(process.execPath, [file]);
  const list = JSON.parse(stdout) as Array<{ name: string; policy: number }>;
  const pool = list.filter((x) => x.name === 'libuv-worker');
  assert.ok(pool.length > 0, "libuv's pool was started");
  assert.deepEqual(
    pool.map((x) => x.policy),
    pool.map(() => SCHED_OTHER),
  );
  assert.deepEqual(
    list.filter((x) => x.name === EXPORTER_THREAD_NAME).map((x) => x.policy),
    [SCHED_IDLE],
  );
});

test('OTLP_EXPORTER_SCHEDULING=normal keeps the exporter thread in the normal class, and says so', async (t) => {
  assert.equal(exporterScheduling({ OTLP_EXPORTER_SCHEDULING: ' Normal ' }), 'normal');
  assert.equal(exporterScheduling({ OTLP_EXPORTER_SCHEDULING: 'idle' }), 'idle');
  assert.equal(exporterScheduling({}), 'idle');
  const unknown: string[] = [];
  assert.equal(
    exporterScheduling({ OTLP_EXPORTER_SCHEDULING: 'nromal' }, (v) => unknown.push(v)),
    'idle',
  );
  assert.equal(
    exporterScheduling({ OTLP_EXPORTER_SCHEDULING: 'idle' }, (v) => unknown.push(v)),
    'idle',
  );
  assert.deepEqual(unknown, ['nromal'], 'a value it does not know is reported, idle and normal are not');
  const { info, messages } = await spawned(t, 'normal');
  assert.equal(info.policy, SCHED_OTHER);
  assert.ok(messages.some((m) => m.msg.includes('OTLP_EXPORTER_SCHEDULING=normal')));
});

test('without chrt the exporter thread still starts, in the normal class, with a warning that says why', async (t) => {
  // The thread finds chrt through PATH as it is when the thread starts.
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  t.after(() => (process.env.PATH = path));
  const { thread, info, messages } = await spawned(t);
  process.env.PATH = path;
  assert.ok(thread.alive);
  assert.equal(info.policy, SCHED_OTHER);
  const warning = messages.find((m) => m.level === 40);
  assert.ok(warning, 'a warning was logged');
  assert.match(warning.msg, /could not be put in the idle scheduling class/);
  assert.match(warning.why ?? '', /chrt failed: .*ENOENT/);
});

test('runOnlyWhenIdle lowers the thread that calls it, and reports a chrt that fails', async () => {
  // In a throwaway thread: lowering the test's own thread would slow every test after it.
  const module = new URL('../../proxy/telemetry/otlp/idle-scheduling.js', import.meta.url).href;
  const run = (chrt: string) =>
    new Promise<{ tid: string; result: string | null; policy: number }>((resolve, reject) => {
      const w = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         const fs = require('node:fs');
         Promise.all([import(workerData.module), import(workerData.policies)]).then(async ([m, p]) => {
           const tid = fs.readlinkSync('/proc/thread-self').split('/').pop();
           const result = (await m.runOnlyWhenIdle(workerData.chrt)) ?? null;
           parentPort.postMessage({ tid, result, policy: p.ownPolicy() });
         });`,
        { eval: true, workerData: { module, policies, chrt } },
      );
      w.once('message', (m: { tid: string; result: string | null; policy: number }) => {
        void w.terminate().then(() => resolve(m), reject);
      });
      w.once('error', reject);
    });
  const lowered = await run('chrt');
  assert.deepEqual([lowered.result, lowered.policy], [null, SCHED_IDLE]);
  const failed = await run('/bin/false');
  assert.equal(failed.policy, SCHED_OTHER);
  assert.match(failed.result ?? '', /^\/bin\/false failed: /);
  // Threads lowered on purpose (this test's throwaway one, the exporter threads of the tests
  // before) may outlive their exit events briefly on a busy machine.
  assert.deepEqual(
    threadPolicies()
      .filter((x) => x.policy !== SCHED_OTHER && x.tid !== lowered.tid && x.name !== EXPORTER_THREAD_NAME)
      .map((x) => `${x.name} (${x.tid}): ${x.policy}`),
    [],
    'no thread of the test process was lowered',
  );
});
