/**
 * Every kind of staged bridge (admin/caddy/bridge-model.ts; docs/caddy.md, "Staged changes")
 * renders to a Caddyfile the real Caddy adapts and validates without a warning: a first domain
 * beside the catch-all, a new domain with another CA, a port move, and a move from a domain back
 * to the catch-all on a new port.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { validateConfig } from '../../common/config/validate.js';
import type { Config } from '../../common/config/schema.js';
import { buildBridgeModel } from '../../admin/caddy/bridge-model.js';
import { renderCaddyfileModel, type CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';
import { CADDY_BIN } from '../harness/caddy-process.js';

const run = promisify(execFile);

function config(caddy: Record<string, unknown>): Config {
  const r = validateConfig({ server: { healthKey: 'health-key-0123456789abcdef', caddy }, upstreams: [], models: [] });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.config;
}

const CASES: [string, Record<string, unknown>, Record<string, unknown>, RegExp[]][] = [
  ['first domain beside the catch-all', {}, { domains: ['gw.example'] }, [/^:8443 \{$/m, /^gw\.example:8443 \{$/m, /issuer acme \{/]],
  [
    'a new domain with another CA',
    { domains: ['old.example'] },
    { domains: ['new.example'], acme: { ca: 'https://127.0.0.1:9/dir' } },
    [/^old\.example:8443 \{$/m, /^new\.example:8443 \{$/m, /dir https:\/\/127\.0\.0\.1:9\/dir/],
  ],
  [
    'a port move',
    { domains: ['localhost'] },
    { domains: ['localhost'], httpsPort: 9443, httpPort: 9080 },
    [/^localhost:8443 \{$/m, /^localhost:9443 \{$/m, /^http:\/\/:9080 \{$/m],
  ],
  [
    'from a domain back to the catch-all on a new port',
    { domains: ['old.example'] },
    { httpsPort: 9443 },
    [/^old\.example:8443 \{$/m, /^:9443 \{$/m, /^\tlocal_certs$/m],
  ],
];

for (const [name, before, after, expected] of CASES) {
  test(`the staged bridge for ${name} adapts and validates without a warning`, { timeout: 60_000 }, async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'gw-bridge-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const env: CaddyRenderEnv = {
      adminAddress: 'localhost:2999',
      storageRoot: path.join(dir, 'storage'),
      logFile: path.join(dir, 'caddy.log'),
      proxyPort: 3000,
      adminPort: 3001,
      httpsPort: 8443,
      httpPort: 8080,
      bindAddress: '127.0.0.1',
      dnsModules: [],
    };
    const text = renderCaddyfileModel(buildBridgeModel(config(before), config(after), env));
    for (const re of expected) assert.match(text, re);
    const file = path.join(dir, 'Caddyfile');
    await writeFile(file, text);
    const { stderr } = await run(CADDY_BIN, ['adapt', '--config', file, '--adapter', 'caddyfile', '--validate'], {
      env: { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
    });
    assert.doesNotMatch(stderr, /"level":"warn"|WARN/, stderr);
  });
}
