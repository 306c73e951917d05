/**
 * The attacks of the security review, replayed on the running stack during phase 3, with figures:
 *
 * - bodies: three large bodies at once straight to the proxy — `[[[[…]]]]` of 10 MB and of just
 *   under the 50 MiB limit (which once took the proxy from 165 MB to 761 MB, and out of heap at
 *   three at once), 26 million numbers, and the heaviest body the limits still let through — with
 *   the proxy's RSS sampled every 100 ms and its pid watched;
 * - slow clients: a TLS handshake left half-way, trickled headers, a trickled body and a declared
 *   body that never comes, through Caddy and straight to the proxy, each closed (or not) after
 *   how long.
 *
 * Each is bounded: three bodies per attack, three clients per kind and door, and a deadline.
 */
import { promises as fs } from 'node:fs';
import { exchange, describe, type Door } from './http.js';
import { programPids, rssMiB } from './rss.js';
import { memoryOf } from '../test/harness/proc-memory.js';
import { slowClient, type SlowKind } from '../test/harness/slow-client.js';

/** One body attack and what it did to the proxy. */
export interface BodyAttack {
  name: string;
  bodies: number;
  bytesEach: number;
  /** Answers by status (or `transport` for none). */
  statuses: Record<string, number>;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssAfterMiB: number;
  /** The proxy's pid changed: it crashed and supervisord restarted it. */
  crashed: boolean;
  seconds: number;
}

/** The slow clients of one kind through one door. */
export interface SlowResult {
  door: 'caddy' | 'proxy';
  kind: SlowKind;
  clients: number;
  closed: number;
  /** Longest time until the server closed a connection of this kind. */
  maxClosedAfterMs: number;
  statuses: Record<string, number>;
}

/** What the hardening checks found. */
export interface HardeningReport {
  bodies: BodyAttack[];
  slow: SlowResult[];
  /** Slow-client settings in force (server.caddy.timeouts of the soak config). */
  timeouts: { readHeaderMs: number; readBodyMs: number };
  /** Slow connections still open at their deadline (must be 0). */
  slowOpen: number;
  /** Body attacks during which the proxy restarted (must be 0). */
  bodyCrashes: number;
}

/** Just under the default 50 MiB body limit, like the review's 52 MB bodies. */
const NEAR_LIMIT_BYTES = 52_000_000;
const BODIES_AT_ONCE = 3;
const SLOW_CLIENTS_PER_KIND = 3;

function nested(bytes: number): Buffer {
  const half = Math.floor(bytes / 2);
  const buf = Buffer.alloc(half * 2, 0x5d);
  buf.fill(0x5b, 0, half);
  return buf;
}

/** `{"model":"no-such-model","messages":[],"metadata":[0,0,…]}` of about `bytes`. */
function numbers(bytes: number): Buffer {
  const head = Buffer.from('{"model":"no-such-model","messages":[],"metadata":[0');
  const tail = Buffer.from(']}');
  const pairs = Math.floor((bytes - head.length - tail.length) / 2);
  return Buffer.concat([head, Buffer.alloc(pairs * 2, ',0'), tail]);
}

/**
 * The heaviest body the limits still let through, as far as the proxy's heap goes: just under 2
 * million numbers and the rest of the 50 MiB in non-ASCII text (two bytes a character on the
 * heap, and the text it is parsed from as well). Parsed whole, then refused 404 (no such model).
 */
function heaviestAllowed(bytes: number): Buffer {
  const head = Buffer.from('{"model":"no-such-model","messages":[],"metadata":[0');
  const items = Buffer.alloc(1_999_000 * 2, ',0');
  const middle = Buffer.from('],"user":"');
  const tail = Buffer.from('"}');
  const textBytes = bytes - head.length - items.length - middle.length - tail.length;
  return Buffer.concat([head, items, middle, Buffer.alloc(textBytes - (textBytes % 2), 'é'), tail]);
}

async function proxyRss(runDir: string): Promise<{ pid: number; mib: number }> {
  const pid = (await programPids(runDir)).proxy;
  return { pid, mib: pid ? ((await rssMiB(pid)) ?? 0) : 0 };
}

async function bodyAttack(name: string, body: Buffer, proxy: Door, runDir: string, key: string): Promise<BodyAttack> {
  const before = await proxyRss(runDir);
  // Writing 5 to clear_refs resets the kernel's peak RSS (VmHWM), so the peak read afterwards is
  // this attack's own, between the 100 ms samples too (needs the proxy's user or root).
  const peakReset = await fs.writeFile(`/proc/${before.pid}/clear_refs`, '5').then(
    () => true,
    () => false,
  );
  let peak = before.mib;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const now = await proxyRss(runDir);
      if (now.pid === before.pid) peak = Math.max(peak, now.mib);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const started = Date.now();
  const answers = await Promise.all(
    Array.from({ length: BODIES_AT_ONCE }, () =>
      exchange(proxy, {
        method: 'POST',
        path: '/v1/chat/completions',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
        timeoutMs: 120_000,
      }).then(
        (a) => String(a.status),
        (err: unknown) => `transport (${describe(err).slice(0, 60)})`,
      ),
    ),
  );
  const seconds = (Date.now() - started) / 1000;
  // A moment for the last parsed body to become garbage (the heap shrinks lazily; RSS more so).
  await new Promise((r) => setTimeout(r, 2_000));
  sampling = false;
  await sampler;
  const after = await proxyRss(runDir);
  if (peakReset && after.pid === before.pid) peak = Math.max(peak, (await memoryOf(after.pid)).hwm / 2 ** 20);
  const statuses: Record<string, number> = {};
  for (const s of answers) statuses[s] = (statuses[s] ?? 0) + 1;
  return {
    name,
    bodies: BODIES_AT_ONCE,
    bytesEach: body.length,
    statuses,
    rssBeforeMiB: before.mib,
    rssPeakMiB: peak,
    rssAfterMiB: after.mib,
    crashed: after.pid !== before.pid,
    seconds,
  };
}

/** Runs the body attacks one after another, straight to the proxy. */
export async function bodyAttacks(proxy: Door, runDir: string, key: string): Promise<BodyAttack[]> {
  const out: BodyAttack[] = [];
  out.push(await bodyAttack('[[[[…]]]] of 10 MB', nested(10_000_000), proxy, runDir, key));
  out.push(await bodyAttack('[[[[…]]]] just under the 50 MiB limit', nested(NEAR_LIMIT_BYTES), proxy, runDir, key));
  out.push(await bodyAttack('26 million numbers just under the limit', numbers(NEAR_LIMIT_BYTES), proxy, runDir, key));
  out.push(
    await bodyAttack(
      'the heaviest body the limits let through (parsed, then 404)',
      heaviestAllowed(NEAR_LIMIT_BYTES),
      proxy,
      runDir,
      key,
    ),
  );
  return out;
}

/** Where the slow clients go. */
export interface SlowTargets {
  caddyPort: number;
  caddyCa: string;
  proxyPort: number;
  key: string;
  timeouts: { readHeaderMs: number; readBodyMs: number };
}

/** Runs every slow-client kind, three at a time per door, all at once; each gives up well after the limits. */
export async function slowClients(t: SlowTargets): Promise<SlowResult[]> {
  const giveUpMs = t.timeouts.readHeaderMs + t.timeouts.readBodyMs + 15_000;
  const headers = { authorization: `Bearer ${t.key}` };
  const runs: Array<Promise<SlowResult>> = [];
  const kinds: Array<['caddy' | 'proxy', SlowKind]> = [
    ...(['handshake', 'silent', 'headers', 'body', 'no-body'] as const).map((k): ['caddy', SlowKind] => ['caddy', k]),
    ...(['silent', 'headers', 'body', 'no-body'] as const).map((k): ['proxy', SlowKind] => ['proxy', k]),
  ];
  for (const [door, kind] of kinds) {
    const target =
      door === 'caddy'
        ? { port: t.caddyPort, tls: { ca: t.caddyCa, servername: 'localhost' }, giveUpMs, headers }
        : { port: t.proxyPort, giveUpMs, headers };
    runs.push(
      Promise.all(Array.from({ length: SLOW_CLIENTS_PER_KIND }, () => slowClient(kind, target))).then((outcomes) => {
        const statuses: Record<string, number> = {};
        for (const o of outcomes) {
          const k = o.status === undefined ? 'no answer' : String(o.status);
          statuses[k] = (statuses[k] ?? 0) + 1;
        }
        const closed = outcomes.filter((o) => o.closed);
        return {
          door,
          kind,
          clients: outcomes.length,
          closed: closed.length,
          maxClosedAfterMs: Math.max(0, ...closed.map((o) => o.afterMs)),
          statuses,
        };
      }),
    );
  }
  return Promise.all(runs);
}
