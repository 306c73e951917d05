/**
 * A running proxy for end-to-end tests: a Foundry simulator and a managed-identity endpoint on
 * loopback, a temp DATA_DIR with a config pointing at them, and the real proxy app listening on
 * a free port. Callers get URLs, keys and a close() for t.after.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import OpenAI from 'openai';
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildInternal, buildProxy } from '../../proxy/app.js';
import { ProxyRuntime, proxyFiles } from '../../proxy/runtime.js';
import { LogRing } from '../../proxy/observe/log-ring.js';
import type { UsageReport } from '../../proxy/usage/stats.js';
import type { BodyBudget } from '../../proxy/access/body-budget.js';
import { startFoundrySimulator, type FoundrySimulator } from '../../simulator/foundry/simulator.js';
import { startIdentitySimulator, type IdentitySimulator } from '../../simulator/identity.js';

export const CLIENT_KEY = 'sk-test-client-key-0001';
export const LIMITED_KEY = 'sk-test-limited-key-0002';
export const DISABLED_KEY = 'sk-test-disabled-key-0003';
export const HEALTH_KEY = 'health-key-abcdefghijklmnop';
export const SIM_API_KEY = 'sim-upstream-api-key';

/** A chat request that the default config's managed-identity model answers. */
export const HELLO = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hello' }] };

/** A streamed chat request for the same model, with a prompt long enough for several chunks. */
export const STREAM_REQUEST = {
  model: 'gpt-4o-mini',
  stream: true as const,
  messages: [{ role: 'user' as const, content: 'a fairly long answer please' }],
};

/** A model whose deployment answers only Chat Completions: Responses calls on it are translated. */
export const CHAT_ONLY_MODEL = {
  id: 'chatonly',
  upstream: 'foundry',
  targetModel: 'dep-chat',
  routes: { responses: 'chat/completions' },
};

/** A running proxy with its simulated Azure. */
export interface ProxyHarness {
  url: string;
  internalUrl: string;
  dataDir: string;
  sim: FoundrySimulator;
  identity: IdentitySimulator;
  runtime: ProxyRuntime;
  app: FastifyInstance;
  logs: LogRing;
  writeConfig(config: unknown): Promise<void>;
  /** The official SDK on the public listener with `key` (default CLIENT_KEY), no retries. */
  sdk(key?: string): OpenAI;
  /** GET /internal/stats (the usage report the admin shows). */
  stats(): Promise<UsageReport>;
  /** A raw POST /v1/chat/completions of `body` as JSON with CLIENT_KEY (plus `init`'s headers and signal). */
  postChat(body: unknown, init?: { headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>;
  /** Stops the proxy (flushing its state to DATA_DIR) and starts a new one on the same data dir. */
  restart(): Promise<void>;
  /** Stops the proxy (both listeners), leaving the simulators up: Caddy then finds no proxy. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Options of `startProxyHarness`. */
export interface HarnessOptions {
  /** Changes to the default config before it is written. */
  configure?: (config: Record<string, unknown>, sim: FoundrySimulator) => void;
  envBodyLimit?: number;
  /** The heap budget for parsed bodies (default: the proxy's own). */
  bodyBudget?: BodyBudget;
}

/** The default test config: one managed-identity upstream, one api-key upstream, a few models. */
export function defaultConfig(simUrl: string): Record<string, unknown> {
  return {
    server: {
      healthKey: HEALTH_KEY,
      imageCompression: { enabled: true, thresholdBytes: 1024 },
      upstream: { connectTimeoutMs: 2000, firstByteTimeoutMs: 5000, idleTimeoutMs: 5000, requestTimeoutMs: 30000 },
    },
    // MSAL caches managed-identity tokens process-wide by client id: a fresh id per harness keeps
    // each test's tokens (and fetch counts) its own.
    auth: { mode: 'managedIdentity', managedIdentityClientId: randomUUID() },
    apiKeys: [
      { id: 'main', key: CLIENT_KEY, status: 'active' },
      { id: 'limited', key: LIMITED_KEY, status: 'active', models: ['gpt-4o-mini'] },
      { id: 'off', key: DISABLED_KEY, status: 'disabled' },
    ],
    upstreams: [
      { name: 'foundry', baseUrl: `${simUrl}/` },
      { name: 'keyed', baseUrl: simUrl, auth: { mode: 'apiKey', apiKey: SIM_API_KEY } },
    ],
    models: [
      { id: 'gpt-4o-mini', upstream: 'foundry', targetModel: 'dep-4o-mini' },
      { id: 'gpt-5-mini', upstream: 'keyed', targetModel: 'dep-5-mini' },
      { id: 'codex', upstream: 'foundry', targetModel: 'dep-codex', routes: { '*': 'responses' } },
      {
        id: 'classic',
        upstream: 'foundry',
        targetModel: 'dep-classic',
        routes: { 'chat/completions': '/openai/deployments/{deployment}/chat/completions?api-version=2024-10-21' },
      },
      { id: 'embed', upstream: 'keyed', targetModel: 'dep-embed' },
      { id: 'image', upstream: 'foundry', targetModel: 'dep-image' },
      { id: 'no-usage', upstream: 'foundry', targetModel: 'dep-no-usage', streamUsage: false },
    ],
  };
}

/** Starts simulators and a proxy; the managed-identity variables are set in process.env. */
export async function startProxyHarness(opts: HarnessOptions = {}): Promise<ProxyHarness> {
  const identity = await startIdentitySimulator();
  Object.assign(process.env, identity.env);
  const sim = await startFoundrySimulator({ apiKey: SIM_API_KEY, acceptToken: (t) => identity.isValid(t) });
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-proxy-'));
  const files = proxyFiles(dataDir);
  const writeConfig = (config: unknown) =>
    fs.writeFile(files.configFile, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  const config = defaultConfig(sim.url);
  opts.configure?.(config, sim);
  await writeConfig(config);

  const logs = new LogRing();
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' }, logs);
  const startProxy = async () => {
    const runtime = await ProxyRuntime.start({
      configFile: files.configFile,
      usageFile: files.usageFile,
      affinityFile: files.affinityFile,
      storedObjectsFile: files.storedObjectsFile,
      governanceFile: files.governanceFile,
      log,
      autoPersist: false,
    });
    const app = buildProxy({
      runtime,
      logger: log,
      envBodyLimit: opts.envBodyLimit,
      dataDir,
      ...(opts.bodyBudget ? { bodyBudget: opts.bodyBudget } : {}),
    });
    const internal = buildInternal({ runtime, logger: log, logs });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const internalUrl = await internal.listen({ host: '127.0.0.1', port: 0 });
    return { runtime, app, internal, url, internalUrl };
  };
  let proxy = await startProxy();
  let running = true;
  const stopProxy = async () => {
    if (!running) return;
    running = false;
    await proxy.app.close();
    await proxy.internal.close();
    await proxy.runtime.close();
  };
  const harness: ProxyHarness = {
    url: proxy.url,
    internalUrl: proxy.internalUrl,
    dataDir,
    sim,
    identity,
    runtime: proxy.runtime,
    app: proxy.app,
    logs,
    writeConfig,
    sdk: (key = CLIENT_KEY) => new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: key, maxRetries: 0 }),
    stats: async () => (await (await fetch(`${harness.internalUrl}/internal/stats`)).json()) as UsageReport,
    postChat: (body, init = {}) =>
      fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json', ...init.headers },
        body: JSON.stringify(body),
        ...(init.signal ? { signal: init.signal } : {}),
      }),
    async restart() {
      await stopProxy();
      proxy = await startProxy();
      running = true;
      Object.assign(harness, {
        url: proxy.url,
        internalUrl: proxy.internalUrl,
        runtime: proxy.runtime,
        app: proxy.app,
      });
    },
    stop: stopProxy,
    async close() {
      await stopProxy();
      await sim.close();
      await identity.close();
      // A Caddy started on this data dir (admin-stack.ts) may still be writing its storage when
      // this runs (after hooks run in order): retry a removal that raced a new file.
      await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
  return harness;
}

/** Starts a harness that test `t` closes when it ends. */
export async function proxyHarness(t: TestContext, opts: HarnessOptions = {}): Promise<ProxyHarness> {
  const h = await startProxyHarness(opts);
  t.after(() => h.close());
  return h;
}
