// UsageStats on disk: round trip, corrupt and missing files, non-overlapping writes, auto-persist.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOUR_MS, MINUTE_MS, UsageStats, type UsageEvent, type UsageLogger } from '../../proxy/usage/stats.js';

const T0 = Date.UTC(2025, 0, 1);
const DAY_MS = 24 * HOUR_MS;

async function tmpFile(t: TestContext): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'usage-stats-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return path.join(dir, 'usage.json');
}

const ev = (over: Partial<UsageEvent> = {}): UsageEvent => ({
  model: 'gpt-4o',
  keyId: 'k1',
  target: 'east',
  status: 200,
  latencyMs: 120,
  ...over,
});

function collectingLogger(): UsageLogger & { entries: Array<{ obj: Record<string, unknown>; msg: string }> } {
  const entries: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { entries, warn: (obj, msg) => void entries.push({ obj, msg }) };
}

function filled(now: number): UsageStats {
  const stats = new UsageStats({ now: () => now });
  stats.record(
    ev({ at: now - 30 * HOUR_MS, usage: { prompt: 10, completion: 5, total: 15, cached: 2, reasoning: 1 } }),
  );
  stats.record(ev({ at: now - 5 * MINUTE_MS, status: 429, latencyMs: 40 }));
  stats.record(
    ev({ at: now - 60_000, model: 'emb', target: undefined, status: 500, latencyMs: 70_000, imageBytesSaved: 99 }),
  );
  stats.record(ev({ at: now - 10 * DAY_MS, keyId: 'k2' }));
  return stats;
}

test('persist then load reproduces every report and the lifetime totals', async (t) => {
  const file = await tmpFile(t);
  const now = T0 + 20 * DAY_MS;
  const stats = filled(now);
  await stats.persist(file);
  const onDisk: unknown = JSON.parse(await fs.readFile(file, 'utf8'));
  assert.equal((onDisk as { version: unknown }).version, 1);

  const loaded = await UsageStats.load(file, { now: () => now });
  assert.deepEqual(loaded.lifetime(), stats.lifetime());
  for (const resolution of ['minute', 'hour'] as const) {
    const q = { from: now - 30 * DAY_MS, to: now + HOUR_MS, resolution };
    assert.deepEqual(loaded.snapshot(q), stats.snapshot(q));
  }
  assert.equal(loaded.snapshot({ from: now - 30 * DAY_MS, resolution: 'hour' }).totals.requests, 4);
});

test('restore adds to events recorded before it finished, and keeps time order for pruning', async (t) => {
  const file = await tmpFile(t);
  let now = T0 + DAY_MS;
  await filled(now).persist(file);
  const stats = new UsageStats({ now: () => now });
  stats.record(ev({ at: now })); // newer than anything in the file, inserted first
  assert.equal(await stats.restore(file), 'loaded');
  assert.equal(stats.snapshot({ from: now - 2 * DAY_MS, resolution: 'hour', model: 'gpt-4o' }).totals.requests, 3);
  // Minute buckets of gpt-4o: [now (recorded first), now-30h, now-5m from the file]. Unless the
  // restore re-sorted them, prune would stop at the first (still fresh) and keep the stale ones.
  now += 48 * HOUR_MS - 2 * MINUTE_MS;
  stats.prune();
  assert.equal(stats.size().minuteBuckets, 2); // gpt-4o at `now`, and emb at now-1m
});

test('lifetime totals survive a restart after all buckets expired', async (t) => {
  const file = await tmpFile(t);
  await filled(T0).persist(file);
  const later = await UsageStats.load(file, { now: () => T0 + 200 * DAY_MS });
  assert.deepEqual(later.size(), { series: 3, minuteBuckets: 0, hourBuckets: 0 });
  assert.equal(
    later.lifetime().reduce((n, s) => n + s.counters.requests, 0),
    4,
  );
});

test('a missing file starts empty without a warning', async (t) => {
  const logger = collectingLogger();
  const stats = new UsageStats({ logger });
  assert.equal(await stats.restore(await tmpFile(t)), 'missing');
  assert.deepEqual(stats.size(), { series: 0, minuteBuckets: 0, hourBuckets: 0 });
  assert.equal(logger.entries.length, 0);
});

test('an unreadable file (here a directory) is logged and left in place', async (t) => {
  const file = await tmpFile(t);
  await fs.mkdir(file);
  const logger = collectingLogger();
  const stats = new UsageStats({ logger });
  assert.equal(await stats.restore(file), 'unreadable');
  assert.equal(logger.entries.length, 1);
  assert.ok((await fs.stat(file)).isDirectory());
});

for (const [name, text] of [
  ['truncated JSON', '{"version":1,"fields":["requests"],"series":[{"mod'],
  ['an unknown version', JSON.stringify({ version: 99, fields: [], series: [] })],
  [
    'a bad value',
    JSON.stringify({
      version: 1,
      fields: ['requests'],
      series: [{ model: 'm', keyId: 'k', target: '', lifetime: ['1'], minutes: [], hours: [] }],
    }),
  ],
  [
    'a misaligned bucket',
    JSON.stringify({
      version: 1,
      fields: ['requests'],
      series: [{ model: 'm', keyId: 'k', target: '', lifetime: [1], minutes: [[T0 + 5, 1]], hours: [] }],
    }),
  ],
] as const) {
  test(`a file with ${name} is moved aside, logged, and the store starts empty`, async (t) => {
    const file = await tmpFile(t);
    await fs.writeFile(file, text);
    const logger = collectingLogger();
    const stats = await UsageStats.load(file, { logger, now: () => T0 });
    assert.deepEqual(stats.size(), { series: 0, minuteBuckets: 0, hourBuckets: 0 });
    const names = await fs.readdir(path.dirname(file));
    const moved = names.filter((n) => /^usage\.json\.corrupt-\d+$/.test(n));
    assert.equal(moved.length, 1, names.join(','));
    assert.equal(await fs.readFile(path.join(path.dirname(file), moved[0] ?? ''), 'utf8'), text);
    assert.equal(logger.entries.length, 1);
    assert.equal(logger.entries[0]?.obj.movedTo, path.join(path.dirname(file), moved[0] ?? ''));
    // The next persist writes a good file in its place.
    stats.record(ev({ at: T0 }));
    await stats.persist(file);
    assert.equal((await UsageStats.load(file, { now: () => T0 })).snapshot().totals.requests, 1);
  });
}

test('concurrent persist calls never overlap, and the last file holds every event', async (t) => {
  const file = await tmpFile(t);
  let active = 0;
  let maxActive = 0;
  const written: string[] = [];
  const write = async (f: string, data: string): Promise<void> => {
    active++;
    maxActive = Math.max(maxActive, active);
    await sleep(5);
    await fs.writeFile(f, data);
    written.push(data);
    active--;
  };
  const stats = new UsageStats({ now: () => T0, write });
  const calls: Array<Promise<void>> = [];
  for (let i = 0; i < 20; i++) {
    stats.record(ev({ at: T0 }));
    calls.push(stats.persist(file));
    if (i % 5 === 4) await sleep(1);
  }
  await Promise.all(calls);
  assert.equal(maxActive, 1);
  assert.ok(written.length < 20, `burst calls share writes (${written.length} writes)`);
  const last = await UsageStats.load(file, { now: () => T0 });
  assert.equal(last.snapshot().totals.requests, 20);
});

test('a failed write rejects that persist call and the next one still works', async (t) => {
  const file = await tmpFile(t);
  let fail = true;
  const write = async (f: string, data: string): Promise<void> => {
    if (fail) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    await fs.writeFile(f, data);
  };
  const stats = new UsageStats({ now: () => T0, write });
  stats.record(ev({ at: T0 }));
  await assert.rejects(stats.persist(file), /no space/);
  fail = false;
  await stats.persist(file);
  assert.equal((await UsageStats.load(file, { now: () => T0 })).snapshot().totals.requests, 1);
});

test('auto-persist writes on its timer, never overlaps writes, and writes once more on stop', async (t) => {
  const file = await tmpFile(t);
  let active = 0;
  let maxActive = 0;
  let writes = 0;
  const write = async (f: string, data: string): Promise<void> => {
    active++;
    maxActive = Math.max(maxActive, active);
    await sleep(15); // longer than the interval, so ticks land during writes
    await fs.writeFile(f, data);
    writes++;
    active--;
  };
  const logger = collectingLogger();
  const stats = new UsageStats({ now: () => T0, write, logger });
  stats.startAutoPersist(file, 2);
  stats.record(ev({ at: T0 }));
  while (writes === 0) await sleep(2);
  stats.record(ev({ at: T0 }));
  const before = writes;
  await stats.stopAutoPersist();
  assert.equal(maxActive, 1);
  assert.ok(writes > before, 'stop wrote once more');
  assert.equal((await UsageStats.load(file, { now: () => T0 })).snapshot().totals.requests, 2);
  const settled = writes;
  await sleep(20);
  assert.equal(writes, settled, 'no writes after stop');
  assert.equal(logger.entries.length, 0);
});

test('stop without a tick still writes the final state', async (t) => {
  const file = await tmpFile(t);
  const stats = new UsageStats({ now: () => T0 });
  stats.startAutoPersist(file, HOUR_MS);
  stats.record(ev({ at: T0, usage: { prompt: 3, completion: 4, total: 7, cached: 0, reasoning: 0 } }));
  await stats.stopAutoPersist();
  assert.equal((await UsageStats.load(file, { now: () => T0 })).snapshot().totals.totalTokens, 7);
  await stats.stopAutoPersist(); // a second stop is a no-op
});
