import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFoundrySimulator } from '../../simulator/foundry/simulator.js';
import { startService, type Child } from '../harness/child.js';
import { freePorts, waitUntil } from '../harness/ports.js';
import { CLIENT_KEY, HEALTH_KEY, SIM_API_KEY } from '../harness/proxy-harness.js';

interface Started {
  proxy: Child;
  url: string;
  internalUrl: string;
  /** The temp dir holding DATA_DIR (`data/`) and the proxy's output. */
  base: string;
  dataDir: string;
}

async function startProxyProcess(config: unknown, extraEnv: Record<string, string> = {}): Promise<Started> {
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-proc-'));
  const dataDir = path.join(base, 'data');
  await fs.mkdir(dataDir);
  await fs.writeFile(path.join(dataDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  const [port, internalPort] = (await freePorts(2)) as [number, number];
  const proxy = startService({
    name: 'proxy',
    main: 'proxy/main.js',
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PROXY_PORT: String(port),
      INTERNAL_PORT: String(internalPort),
      SHUTDOWN_GRACE_MS: '10000',
      ...extraEnv,
    },
    logFile: path.join(base, 'proxy.out'),
  });
  return { proxy, url: `http://127.0.0.1:${port}`, internalUrl: `http://127.0.0.1:${internalPort}`, base, dataDir };
}

function simConfig(simUrl: string, extraModel?: string) {
  return {
    server: { healthKey: HEALTH_KEY },
    auth: { mode: 'apiKey', apiKey: SIM_API_KEY },
    apiKeys: [{ id: 'main', key: CLIENT_KEY }],
    upstreams: [{ name: 'sim', baseUrl: simUrl }],
    models: [{ id: 'm1', upstream: 'sim' }, ...(extraModel ? [{ id: extraModel, upstream: 'sim' }] : [])],
  };
}

const auth = { authorization: `Bearer ${CLIENT_KEY}`, 'content-type': 'application/json' };

test('the process refuses to start on an invalid config and prints every problem', async () => {
  const p = await startProxyProcess({
    models: [{ id: 'm', upstream: 'none' }],
    server: { upstream: { connectTimeoutMs: -5 } },
  });
  const code = await p.proxy.exit;
  assert.equal(code, 1);
  const output = await p.proxy.output();
  assert.match(output, /"path": "\/server\/upstream\/connectTimeoutMs"/);
  assert.doesNotMatch(output, /at .*\.js:\d+:\d+/, 'no stack trace');
  await fs.rm(p.base, { recursive: true, force: true });
});

test('SIGHUP reloads; SIGTERM lets a running stream finish, flushes usage and exits 0', async (t) => {
  const sim = await startFoundrySimulator({ apiKey: SIM_API_KEY });
  t.after(() => sim.close());
  const p = await startProxyProcess(simConfig(sim.url));
  t.after(async () => {
    p.proxy.proc.kill('SIGKILL');
    await fs.rm(p.base, { recursive: true, force: true });
  });
  await waitUntil(
    async () => (await fetch(`${p.url}/healthz`, { headers: { authorization: `Bearer ${HEALTH_KEY}` } })).ok,
    10_000,
    'proxy up',
  );
  assert.match(await p.proxy.output(), /"msg":"proxy listening"/);

  await fs.writeFile(path.join(p.dataDir, 'config.json'), JSON.stringify(simConfig(sim.url, 'm2')));
  p.proxy.proc.kill('SIGHUP');
  await waitUntil(async () => (await fetch(`${p.url}/v1/models/m2`, { headers: auth })).ok, 5_000, 'reload by SIGHUP');

  // A 2-second stream is running when SIGTERM arrives.
  sim.enqueue({ kind: 'slowChunks', intervalMs: 200, chunks: 10 });
  const res = await fetch(`${p.url}/v1/chat/completions`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ model: 'm1', stream: true, messages: [{ role: 'user', content: 'long one' }] }),
  });
  assert.equal(res.status, 200);
  const body = res.text();
  await new Promise((r) => setTimeout(r, 300));
  p.proxy.proc.kill('SIGTERM');
  const text = await body;
  assert.ok(text.includes('data: [DONE]'), 'the stream completed');
  assert.equal(await p.proxy.exit, 0);
  const usage = JSON.parse(await fs.readFile(path.join(p.dataDir, 'usage.json'), 'utf8')) as unknown;
  assert.ok(JSON.stringify(usage).includes('m1'), 'usage was flushed on shutdown');
  // Secrets never reach the log.
  const output = await p.proxy.output();
  assert.ok(!output.includes(CLIENT_KEY));
  assert.ok(!output.includes(SIM_API_KEY));
  assert.ok(!output.includes(HEALTH_KEY));
});
