// The semaphore that bounds how many images are recompressed at once: its limit, its order, and
// the settings that change it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Semaphore, setImageCompressionConcurrency } from '../../proxy/images/compression.js';

test('Semaphore admits at most its limit, in order, and honours setLimit', async () => {
  const gate = new Semaphore(3);
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const task = (i: number) =>
    gate.run(async () => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    });
  await Promise.all(Array.from({ length: 10 }, (_, i) => task(i)));
  assert.equal(most, 3);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  gate.setLimit(5);
  most = 0;
  await Promise.all(Array.from({ length: 10 }, (_, i) => task(i)));
  assert.equal(most, 5);
  assert.throws(() => new Semaphore(0), RangeError);
  assert.throws(() => setImageCompressionConcurrency(1.5), RangeError);
});
