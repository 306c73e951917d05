// withDeadline: a promise raced against a timer and the caller's abort signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withDeadline } from '../../common/deadline.js';

test('withDeadline: resolves, times out, and gives up when the caller aborts', async () => {
  assert.equal(await withDeadline(Promise.resolve(1), 100, undefined, 'late'), 1);
  await assert.rejects(withDeadline(new Promise(() => undefined), 20, undefined, 'late'), /late/);
  const ctl = new AbortController();
  const p = withDeadline(new Promise(() => undefined), 10_000, ctl.signal, 'late');
  ctl.abort(new Error('client left'));
  await assert.rejects(p, /client left/);
});
