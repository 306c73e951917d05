/**
 * The five bench targets as the load generator sees them: how to reach each (one undici Pool
 * per target, HTTPS ones trusting Caddy's local CA), which path and headers it needs, and which
 * processes make it up (for memory readings).
 */
import { Pool } from 'undici';
import type { Endpoint } from './load.js';
import { BENCH_CLIENT_KEY, BENCH_MODEL, type ProxyAlone, type Stack } from './start-gateway.js';
import type { CaddyAlone, Portkey, Simulator } from './start-others.js';

/** Target ids, in the order the report lists them. */
export const TARGET_IDS = ['direct', 'caddy', 'stack', 'proxy', 'portkey'] as const;
export type TargetId = (typeof TARGET_IDS)[number];

/** Report labels. */
export const TARGET_LABELS: Record<TargetId, string> = {
  direct: '(1) simulator direct',
  caddy: '(2) Caddy alone (HTTPS)',
  stack: '(3) stack: Caddy + proxy (HTTPS)',
  proxy: '(4) proxy alone (HTTP)',
  portkey: '(5) Portkey 1.15.2 (HTTP)',
};

/** One target. */
export interface Target {
  id: TargetId;
  /** The chat-completions endpoint, with extra request headers (e.g. x-sim-scenario). */
  chat(extra?: Record<string, string>): Endpoint;
  /** Pids of the processes that make up the target, by name. */
  pids(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Enough connections for 1,000 open streams; timeouts bound every request. */
const POOL_OPTIONS = {
  connections: 1100,
  pipelining: 1,
  headersTimeout: 120_000,
  bodyTimeout: 120_000,
  keepAliveTimeout: 30_000,
};
const JSON_HEADERS = { 'content-type': 'application/json' };

function target(
  id: TargetId,
  pool: Pool,
  origin: string,
  path: string,
  headers: Record<string, string>,
  pids: () => Promise<Record<string, number>>,
): Target {
  return {
    id,
    chat: (extra = {}) => ({ dispatcher: pool, origin, path, headers: { ...JSON_HEADERS, ...headers, ...extra } }),
    pids,
    close: () => pool.close(),
  };
}

function https(port: number, ca: string): Pool {
  return new Pool(`https://127.0.0.1:${port}`, { ...POOL_OPTIONS, connect: { ca, servername: 'localhost' } });
}

/** The processes each target needs, started. */
export interface Started {
  sim: Simulator;
  caddy: CaddyAlone;
  stack: Stack;
  proxy: ProxyAlone;
  portkey: Portkey;
}

/** Builds the five targets. */
export function buildTargets(s: Started): Record<TargetId, Target> {
  const simPid = s.sim.child.proc.pid ?? 0;
  const simPath = '/openai/v1/chat/completions';
  const direct = `http://127.0.0.1:${s.sim.port}`;
  const proxy = `http://127.0.0.1:${s.proxy.port}`;
  const portkey = `http://127.0.0.1:${s.portkey.port}`;
  const bearer = { authorization: `Bearer ${BENCH_CLIENT_KEY}` };
  return {
    direct: target(
      'direct',
      new Pool(direct, POOL_OPTIONS),
      direct,
      simPath,
      { 'api-key': 'bench-upstream-key' },
      async () => ({ simulator: simPid }),
    ),
    caddy: target(
      'caddy',
      https(s.caddy.httpsPort, s.caddy.ca),
      `https://127.0.0.1:${s.caddy.httpsPort}`,
      simPath,
      { 'api-key': 'bench-upstream-key', host: `localhost:${s.caddy.httpsPort}` },
      async () => ({ caddy: s.caddy.caddy.pid(), simulator: simPid }),
    ),
    stack: target(
      'stack',
      https(s.stack.httpsPort, s.stack.ca),
      `https://127.0.0.1:${s.stack.httpsPort}`,
      '/v1/chat/completions',
      { ...bearer, host: `localhost:${s.stack.httpsPort}` },
      async () => ({ ...(await s.stack.pids()), simulator: simPid }),
    ),
    proxy: target('proxy', new Pool(proxy, POOL_OPTIONS), proxy, '/v1/chat/completions', bearer, async () => ({
      proxy: s.proxy.child.proc.pid ?? 0,
      simulator: simPid,
    })),
    // Portkey forwards only the headers it is told to; the scenario header must reach the simulator.
    portkey: target(
      'portkey',
      new Pool(portkey, POOL_OPTIONS),
      portkey,
      '/v1/chat/completions',
      {
        authorization: 'Bearer bench-upstream-key',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `http://127.0.0.1:${s.sim.port}/openai/v1`,
        'x-portkey-forward-headers': 'x-sim-scenario',
      },
      async () => ({ portkey: s.portkey.child.proc.pid ?? 0, simulator: simPid }),
    ),
  };
}

/** A chat request body for the bench model. */
export function chatBody(stream: boolean): string {
  return JSON.stringify({
    model: BENCH_MODEL,
    messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
    // Every target gets the same frames: the gateway adds include_usage when a client does not
    // ask, which would make the simulator send (and pace) one more event through it.
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}
