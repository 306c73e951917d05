/**
 * Puts the calling thread in Linux's idle scheduling class (SCHED_IDLE), so the exporter's
 * thread runs on CPU time no request wants (docs/telemetry.md, "What it costs"). A thread of the
 * normal class that wakes beside busy request, upstream and client threads takes its turn from
 * them whenever it has work; an idle-class thread gives way to each of them at once, and a CPU that
 * runs only it counts as free when the kernel places a thread that wakes. Lowering a thread's own
 * class needs no privilege. Node has no call for it, so util-linux's `chrt` (in the image) sets
 * it by the thread's id.
 */
import { execFile } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { access } from 'node:fs/promises';

// `chrt` is a short-lived process; a machine that cannot start one in this long is left as it is.
const CHRT_TIMEOUT_MS = 5000;

/**
 * Lowers the calling thread to SCHED_IDLE; resolves with undefined once done, or with why it was
 * not (the thread then keeps the normal class and works as before).
 */
export async function runOnlyWhenIdle(chrt = 'chrt'): Promise<string | undefined> {
  if (process.platform !== 'linux') return `scheduling classes are Linux's (this is ${process.platform})`;
  // A thread starts in the class of the thread that made it, and libuv makes its whole pool the
  // first time a thread queues work there: one call through the pool before lowering this thread
  // makes sure the pool, which serves the request thread too, is never made by an idle one.
  await access('/proc/thread-self');
  let link: string;
  try {
    // "<pid>/task/<tid>": the link names the thread that reads it, so it is read synchronously,
    // here; an asynchronous read would run on libuv's thread pool and name one of its threads.
    link = readlinkSync('/proc/thread-self');
  } catch (err) {
    return `its thread id could not be read (${err instanceof Error ? err.message : String(err)})`;
  }
  const tid = /\/task\/(\d+)$/.exec(link)?.[1];
  if (!tid) return 'its thread id could not be read';
  return new Promise((resolve) => {
    execFile(chrt, ['--idle', '--pid', '0', tid], { timeout: CHRT_TIMEOUT_MS }, (err, _stdout, stderr) => {
      if (!err) return resolve(undefined);
      if (err.killed) return resolve(`${chrt} did not finish within ${CHRT_TIMEOUT_MS / 1000} s`);
      const said = String(stderr).trim();
      resolve(`${chrt} failed: ${said || err.message}`);
    });
  });
}
