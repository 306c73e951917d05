/**
 * The stack under test: DATA_DIR on a small tmpfs (for the disk-full fault), a config with a pool
 * model (the stack's simulator plus a second simulator this process runs, which the 429 storm
 * targets) and a managed-identity upstream (a third simulator that accepts only tokens from the
 * identity endpoint this process runs), then the real stack through deploy/entrypoint.sh.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import type { UsageCounters } from '../proxy/usage/counters.js';
import { killStack, startStack, type Stack } from '../test/harness/stack.js';
import { adminPassword, stackAdminApi, type StackAdminApi } from '../test/harness/stack-admin-api.js';
import { startFoundrySimulator, type FoundrySimulator } from '../simulator/foundry/simulator.js';
import { startIdentitySimulator, type IdentitySimulator } from '../simulator/identity.js';
import { caddyDoor, loopbackDoor, type Door } from './http.js';
import { mountTinyDisk, unmountTinyDisk, type TinyDisk } from './disk.js';
import type { SoakSettings } from './settings.js';

/** The stack's server.caddy.timeouts: slow clients are cut off after these. */
export const SOAK_CLIENT_TIMEOUTS = { readHeaderMs: 5_000, readBodyMs: 30_000, idleMs: 120_000 };

/** Size of the DATA_DIR filesystem: room for everything the stack writes, small enough to fill at once. */
export const DATA_DISK_BYTES = 32 * 1024 * 1024;

/** A secret the suite watches for in answers. */
export interface Secret {
  name: string;
  value: string;
}

/** Request counts of an in-process simulator, tallied before its log is trimmed. */
export interface SimTally {
  requests: number;
  byStatus: Record<string, number>;
}

/** Everything the phases share. */
export interface Soak {
  settings: SoakSettings;
  base: string;
  disk: TinyDisk;
  stack: Stack;
  /** The variables `startStack` was given (to start it again on the same DATA_DIR). */
  stackEnv: Record<string, string>;
  admin: StackAdminApi;
  /** Caddy over HTTP/2 (what the load uses) and over HTTP/1.1 (what the fuzzer uses), the proxy and the admin listener. */
  doors: { caddy: Door; caddyHttp1: Door; proxy: Door; admin: Door };
  /** The proxy's internal listener (stats, targets, logs), loopback only. */
  internalUrl: string;
  storm: FoundrySimulator;
  stormTally: SimTally;
  mi: FoundrySimulator;
  miTally: SimTally;
  identity: IdentitySimulator;
  /** The first-run client key (id `default`) and the key made for phase 1 (id `soak-load`). */
  keys: { first: string; load: string; loadId: string };
  healthKey: string;
  /** `Basic …` for the admin API. */
  adminAuth: string;
  /** Caddy's local root certificate (PEM). */
  caddyCa: string;
  /** What the suite added to the config through the admin API (the data check expects it all back). */
  added: { models: string[]; upstreams: string[]; keys: Record<string, string> };
  /** Adds a secret to watch (keys the suite or the fuzzer create). */
  addSecret(name: string, value: string): void;
  /** Every secret known right now, tokens issued so far included. */
  secrets(): Secret[];
  /** Stops the timers this module started. */
  stopTimers(): void;
}

function trimmer(sim: FoundrySimulator, tally: SimTally): () => void {
  return () => {
    // Only finished requests are counted and dropped; those still running stay for the next pass.
    const keep = sim.requests.filter((r) => r.status === undefined && !r.aborted && !r.completed);
    for (const r of sim.requests) {
      if (keep.includes(r)) continue;
      tally.requests += 1;
      const k = String(r.status ?? (r.aborted ? 'aborted' : 'none'));
      tally.byStatus[k] = (tally.byStatus[k] ?? 0) + 1;
    }
    sim.requests.splice(0, sim.requests.length, ...keep);
  };
}

/** The team of the load key, and the price the soak's models charge (docs/governance.md). */
export const SOAK_TEAM = 'soak';
const SOAK_PRICE = { inputPerMillion: 1, outputPerMillion: 4 };

/** The initial config.json: data-skel's, plus the storm and managed-identity upstreams and their models. */
async function seedConfig(
  root: string,
  dataDir: string,
  storm: FoundrySimulator,
  mi: FoundrySimulator,
  stormKey: string,
  miClientId: string,
): Promise<void> {
  const skel = JSON.parse(await fs.readFile(path.join(root, 'data-skel/config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const server = skel.server as Record<string, unknown>;
  // Fail over fast and keep the circuit breaker from taking the storm target out for long: the
  // suite measures what clients see while one target keeps answering 429.
  server.upstream = {
    ...(server.upstream as object),
    connectTimeoutMs: 2_000,
    firstByteTimeoutMs: 20_000,
    idleTimeoutMs: 20_000,
    requestTimeoutMs: 60_000,
  };
  // Shorter than the defaults (10 s, 5 min) so the slow-client checks finish quickly; every body
  // the suite sends arrives in well under a second on loopback.
  server.caddy = { ...(server.caddy as object | undefined), timeouts: SOAK_CLIENT_TIMEOUTS };
  skel.upstreams = [
    { name: 'storm', baseUrl: storm.url, auth: { mode: 'apiKey', apiKey: stormKey } },
    { name: 'mi', baseUrl: mi.url, auth: { mode: 'managedIdentity', managedIdentityClientId: miClientId } },
  ];
  skel.models = [
    // `simulator` is the stack's own simulator upstream, which init adds (SIMULATOR=1).
    {
      id: 'pool',
      targets: [
        { upstream: 'simulator', targetModel: 'gpt-4o-mini', priority: 0, weight: 1 },
        { upstream: 'storm', targetModel: 'gpt-4o-mini', priority: 0, weight: 1 },
      ],
      price: SOAK_PRICE,
    },
    { id: 'mi-model', upstream: 'mi', targetModel: 'gpt-4o-mini', price: SOAK_PRICE },
  ];
  // The load key belongs to a team with limits far above the load, so its quota use and spend are
  // counted (and their loss at kill -9 measured) without refusing anything.
  skel.teams = [
    {
      id: SOAK_TEAM,
      limits: { requestsPerMinute: 1e9, tokensPerMonth: 1e12 },
      budget: { amount: 1e9, period: 'month' },
    },
  ];
  await fs.writeFile(path.join(dataDir, 'config.json'), `${JSON.stringify(skel, null, 2)}\n`, { mode: 0o600 });
}

/** Starts everything; on failure, stops what it started (stack, simulators, tmpfs) and rethrows. */
export async function startSoak(settings: SoakSettings, root: string): Promise<Soak> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-soak-'));
  const dataDir = path.join(base, 'data');
  const disk = await mountTinyDisk(dataDir, DATA_DISK_BYTES);
  const identity = await startIdentitySimulator();
  const timers: NodeJS.Timeout[] = [];
  const sims: FoundrySimulator[] = [];
  let stack: Stack | undefined;
  try {
    return await assemble();
  } catch (err) {
    for (const t of timers) clearInterval(t);
    if (stack) await killStack(stack);
    await Promise.all([...sims.map((x) => x.close()), identity.close()]);
    await unmountTinyDisk(disk);
    await fs.rm(base, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }

  async function assemble(): Promise<Soak> {
    const stormKey = `storm-${randomBytes(16).toString('hex')}`;
    const simApiKey = `sim-${randomBytes(16).toString('hex')}`;
    const miClientId = randomUUID();
    const storm = await startFoundrySimulator({ apiKey: stormKey });
    sims.push(storm);
    const mi = await startFoundrySimulator({ acceptToken: (token) => identity.isValid(token) });
    sims.push(mi);
    const stormTally: SimTally = { requests: 0, byStatus: {} };
    const miTally: SimTally = { requests: 0, byStatus: {} };
    timers.push(setInterval(trimmer(storm, stormTally), 2_000), setInterval(trimmer(mi, miTally), 2_000));
    for (const t of timers) t.unref();
    await seedConfig(root, dataDir, storm, mi, stormKey, miClientId);

    const stackEnv = { SIM_API_KEY: simApiKey, ...identity.env };
    stack = await startStack({ baseDir: base, env: stackEnv });
    const running = stack;
    const admin = await stackAdminApi(running);
    const password = await adminPassword(running.dataDir);
    const created = await admin.call('POST', '/admin/api/keys', {
      body: { id: 'soak-load', label: 'soak suite, phase 1 (load held)', team: SOAK_TEAM },
    });
    const body = created.body as { key?: unknown; id?: unknown };
    if (created.status !== 201 || typeof body.key !== 'string')
      throw new Error(`creating the load key answered ${created.status}: ${JSON.stringify(created.body)}`);
    const loadKey = body.key;
    const first = await running.clientKey();
    const healthKey = await running.healthKey();
    const ca = await running.localCa();

    const extra: Secret[] = [
      { name: 'admin password', value: password },
      { name: 'first-run client key', value: first },
      { name: 'load client key', value: loadKey },
      { name: 'health key', value: healthKey },
      { name: 'simulator upstream api-key', value: simApiKey },
      { name: 'storm upstream api-key', value: stormKey },
      { name: 'IDENTITY_HEADER secret', value: identity.header },
    ];
    const configSecrets = async (): Promise<Secret[]> => {
      const c = JSON.parse(await fs.readFile(path.join(running.dataDir, 'config.json'), 'utf8')) as {
        server?: { adminAuth?: { passwordHash?: string } };
        apiKeys?: Array<{ id?: string; keyHash?: string }>;
      };
      const out: Secret[] = [];
      if (c.server?.adminAuth?.passwordHash)
        out.push({ name: 'admin password hash', value: c.server.adminAuth.passwordHash });
      for (const k of c.apiKeys ?? []) if (k.keyHash) out.push({ name: `keyHash of ${k.id ?? '?'}`, value: k.keyHash });
      return out;
    };
    let stored = await configSecrets();
    const refresh = setInterval(
      () =>
        void configSecrets().then(
          (x) => {
            stored = x;
          },
          () => undefined,
        ),
      5_000,
    );
    refresh.unref();
    timers.push(refresh);

    return {
      settings,
      base,
      disk,
      stack: running,
      stackEnv,
      admin,
      doors: {
        caddy: caddyDoor(Number(running.env.HTTPS_PORT), ca),
        caddyHttp1: caddyDoor(Number(running.env.HTTPS_PORT), ca, true),
        proxy: loopbackDoor('proxy', Number(running.env.PROXY_PORT)),
        admin: loopbackDoor('admin', Number(running.env.ADMIN_PORT)),
      },
      internalUrl: `http://127.0.0.1:${Number(running.env.INTERNAL_PORT)}`,
      storm,
      stormTally,
      mi,
      miTally,
      identity,
      keys: { first, load: loadKey, loadId: 'soak-load' },
      added: { models: [], upstreams: [], keys: { default: first, 'soak-load': loadKey } },
      healthKey,
      adminAuth: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`,
      caddyCa: ca,
      addSecret: (name, value) => void extra.push({ name, value }),
      secrets: () => [
        ...extra,
        ...stored,
        ...identity.tokensIssued.map((t, i) => ({ name: `managed-identity token #${i + 1}`, value: t })),
      ],
      stopTimers: () => {
        for (const t of timers) clearInterval(t);
        trimmer(storm, stormTally)();
        trimmer(mi, miTally)();
      },
    };
  }
}

/** Lifetime usage counters as the proxy reports them (the status-class fields the suite reads). */
export type UsageTotals = Pick<UsageCounters, 'requests' | 's2xx' | 's4xx' | 's429' | 's5xx' | 'sOther'>;

/** GET /internal/stats for the last 48 h: totals and per key. */
export async function internalStats(
  soak: Pick<Soak, 'internalUrl'>,
): Promise<{ totals: UsageTotals; byKey: Record<string, UsageTotals> }> {
  const from = Date.now() - 47 * 3_600_000;
  const res = await request(`${soak.internalUrl}/internal/stats?from=${from}&resolution=minute`, {
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const body = (await res.body.json()) as { totals: UsageTotals; byKey: Record<string, UsageTotals> };
  if (res.statusCode !== 200) throw new Error(`/internal/stats answered ${res.statusCode}`);
  return body;
}

/** Month quota use and spend of the soak team: as the proxy counts them, and as DATA_DIR/governance.json holds them. */
export interface TeamLedger {
  tokens: number;
  spend: number;
}

/** The soak team's counters in the running proxy (`/internal/governance`). */
export async function liveTeamLedger(soak: Pick<Soak, 'internalUrl'>): Promise<TeamLedger> {
  const res = await request(`${soak.internalUrl}/internal/governance`, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const body = (await res.body.json()) as {
    scopes?: Record<string, { tokensThisMonth?: number; spendThisMonth?: number }>;
  };
  const team = body.scopes?.[`team:${SOAK_TEAM}`];
  return { tokens: team?.tokensThisMonth ?? 0, spend: team?.spendThisMonth ?? 0 };
}

/** The soak team's counters as last written to DATA_DIR/governance.json, and when the file was written. */
export async function persistedTeamLedger(dataDir: string): Promise<TeamLedger & { mtimeMs: number }> {
  const file = path.join(dataDir, 'governance.json');
  const [text, stat] = await Promise.all([
    fs.readFile(file, 'utf8').catch(() => ''),
    fs.stat(file).catch(() => undefined),
  ]);
  const doc = (text ? JSON.parse(text) : {}) as { counters?: Record<string, Record<string, number>> };
  const periods = doc.counters?.[`team:${SOAK_TEAM}`] ?? {};
  const month = new Date().toISOString().slice(0, 7);
  return {
    tokens: periods[`tokens:month:${month}`] ?? 0,
    spend: periods[`spend:month:${month}`] ?? 0,
    mtimeMs: stat?.mtimeMs ?? 0,
  };
}

/** Requests per key as persisted in DATA_DIR/usage.json (lifetime field 0), and the file's savedAt. */
export async function persistedUsage(
  dataDir: string,
): Promise<{ savedAt: number; total: number; byKey: Record<string, number> }> {
  const text = await fs.readFile(path.join(dataDir, 'usage.json'), 'utf8').catch(() => '');
  if (!text) return { savedAt: 0, total: 0, byKey: {} };
  const doc = JSON.parse(text) as { savedAt?: number; series?: Array<{ keyId: string; lifetime: number[] }> };
  const byKey: Record<string, number> = {};
  let total = 0;
  for (const s of doc.series ?? []) {
    const n = s.lifetime[0] ?? 0;
    byKey[s.keyId] = (byKey[s.keyId] ?? 0) + n;
    total += n;
  }
  return { savedAt: doc.savedAt ?? 0, total, byKey };
}

/** Requests an in-process simulator has finished (optionally only those answered `status`), trimmed ones included. */
export function served(sim: FoundrySimulator, tally: SimTally, status?: number): number {
  const live = sim.requests.filter((r) => (status === undefined ? r.status !== undefined : r.status === status)).length;
  return live + (status === undefined ? tally.requests : (tally.byStatus[String(status)] ?? 0));
}
