import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SlidingWindow, WINDOW_MS } from '../../proxy/governance/sliding-window.js';

test('a sliding window counts exactly the last 60 s and says when room frees up', () => {
  const w = new SlidingWindow();
  const t0 = 1_000_000;
  w.add(3, t0);
  w.add(4, t0 + 10_000);
  assert.equal(w.sum(t0 + 10_000), 7);
  assert.equal(w.waitFor(3, 10, t0 + 10_000), 0, 'fits exactly');
  // 4 more needs the first entry (3) to leave: at t0 + 60 s.
  assert.equal(w.waitFor(4, 10, t0 + 20_000), t0 + WINDOW_MS - (t0 + 20_000));
  // 8 more needs both to leave.
  assert.equal(w.waitFor(8, 10, t0 + 20_000), t0 + 10_000 + WINDOW_MS - (t0 + 20_000));
  assert.equal(w.waitFor(11, 10, t0), Infinity, 'larger than the limit: never');
  assert.equal(w.sum(t0 + WINDOW_MS), 4, 'an entry exactly 60 s old has left');
  assert.equal(w.resetIn(t0 + WINDOW_MS), 10_000);
  assert.equal(w.sum(t0 + 10_000 + WINDOW_MS), 0);
  assert.equal(w.resetIn(t0 + 10_000 + WINDOW_MS), 0);
});

test('a correction changes the sum while the entry is in the window, and nothing after it left', () => {
  const w = new SlidingWindow();
  const e = w.add(100, 0);
  w.correct(e, 40);
  assert.equal(w.sum(1), 40);
  w.add(5, 30_000);
  assert.equal(w.sum(WINDOW_MS), 5);
  w.correct(e, 1000);
  assert.equal(w.sum(WINDOW_MS), 5, 'an expired entry cannot come back');
});

test('a long-running window compacts its log and stays exact', () => {
  const w = new SlidingWindow();
  for (let i = 0; i < 10_000; i++) w.add(1, i * 10);
  // The last 60 s hold the entries from t = 40,000 ms to 99,990 ms.
  assert.equal(w.sum(99_990 + 1), 6000);
});
