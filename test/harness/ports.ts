/** Free loopback TCP ports for processes that must be told their port up front, and polling until they answer. */
import net from 'node:net';

/** How often `waitUntil` and `reached` ask again. */
const POLL_INTERVAL_MS = 50;

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * `n` ports that were free a moment ago, all different: each is held until all are found (ports
 * asked for one after another may repeat once released, and a stack given one port twice cannot
 * start).
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((srv) => {
      const addr = srv.address();
      if (!addr || typeof addr !== 'object') throw new Error('no port');
      return addr.port;
    });
  } finally {
    await Promise.all(servers.map((srv) => new Promise<void>((resolve) => srv.close(() => resolve()))));
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` (a throw counts as false) until it returns true or `timeoutMs` passes; says which. */
export async function reached(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await sleep(POLL_INTERVAL_MS);
  }
}

/** Polls `probe` until it returns true; throws, naming `what`, once `timeoutMs` passes. */
export async function waitUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  if (!(await reached(probe, timeoutMs))) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
