/** Free loopback TCP ports for processes that must be told their port up front, and polling until they answer. */
import net from 'node:net';

/** How often `waitUntil` and `reached` ask again. */
const POLL_INTERVAL_MS = 50;

// Every port this process has handed out. The system may offer a port again as soon as the probe
// that found it closes, and a caller asks for a stack's ports in several calls (Caddy's three,
// then the admin's); so a port is handed out once per process, never twice.
const handedOut = new Set<number>();

/** A port that was free a moment ago on 127.0.0.1, and not handed out before by this process. */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/**
 * `n` ports that were free a moment ago, all different and none handed out before by this
 * process: each is held until all are found (ports asked for one after another may repeat once
 * released, and a stack given one port twice cannot start); one handed out before stays held
 * too, so the system offers another.
 */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < n) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen(0, '127.0.0.1', () => resolve());
      });
      const addr = srv.address();
      if (!addr || typeof addr !== 'object') throw new Error('no port');
      if (!handedOut.has(addr.port)) ports.push(addr.port);
    }
    for (const port of ports) handedOut.add(port);
    return ports;
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
