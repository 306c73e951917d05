/**
 * Golden files for the rendered Caddyfile: each folder in test/caddy/golden/ holds a config, a
 * render environment and the exact expected Caddyfile (the pattern of Caddy's own
 * caddytest/integration/caddyfile_adapt_test.go). `UPDATE_GOLDEN=1` rewrites the expected files.
 * Each expected file must then be what `caddy fmt` writes and adapt with the real Caddy without a
 * single warning, in a temporary storage root (docs/development.md, "Golden Caddyfiles").
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { validateConfig } from '../../common/config/validate.js';
import { CADDYFILE_MARKER, renderCaddyfile, type CaddyRenderEnv } from '../../admin/caddy/caddyfile-render.js';
import { CADDY_BIN as CADDY } from '../harness/caddy-process.js';

const CASES_DIR = fileURLToPath(new URL('../../../test/caddy/golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/** Paths the cases' env.json and config.json use; the adapt run swaps them for a temp dir. */
const PLACEHOLDER_STORAGE = '/var/lib/gateway-golden/caddy';
const PLACEHOLDER_LOG = '/run/gateway-golden/caddy.log';
const PLACEHOLDER_CA_ROOT = '/etc/gateway-golden/pebble-root.pem';
/** Debian's Caddy lacks DNS provider modules (docs/architecture.md, "DNS-01 only with the DNS module"): these cases must fail to adapt. */
const NEEDS_DNS_MODULE = new Set(['dns-azure-module-present']);

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 30_000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(err);
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8')) as unknown;
}

/** A throwaway self-signed root for `acme_ca_root`: Caddy reads that file while validating. */
async function writeSelfSignedRoot(dir: string): Promise<string> {
  const cert = path.join(dir, 'ca-root.pem');
  const res = await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=golden test root', '-keyout', path.join(dir, 'ca-root.key'), '-out', cert,
  ]);
  assert.equal(res.code, 0, res.stderr);
  return cert;
}

const caseNames = (await readdir(CASES_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();

test('there are at least six golden cases', () => {
  assert.ok(caseNames.length >= 6, `only ${caseNames.length} cases in ${CASES_DIR}`);
});

for (const name of caseNames) {
  const dir = path.join(CASES_DIR, name);

  test(`golden ${name}: renders exactly the expected Caddyfile`, async () => {
    const validated = validateConfig(await readJson(path.join(dir, 'config.json')));
    assert.ok(validated.ok, `config.json does not validate: ${JSON.stringify(validated.ok ? [] : validated.issues)}`);
    const env = (await readJson(path.join(dir, 'env.json'))) as CaddyRenderEnv;
    const rendered = renderCaddyfile(validated.config, env);
    const expectedFile = path.join(dir, 'expected.Caddyfile');
    if (UPDATE) await writeFile(expectedFile, rendered);
    assert.equal(rendered, await readFile(expectedFile, 'utf8'));
    assert.ok(rendered.startsWith(CADDYFILE_MARKER), 'the first line marks the file as ours');
  });

  test(`golden ${name}: the expected file is caddy-fmt formatted and adapts without warnings`, async (t) => {
    const tmp = await mkdtemp(path.join(tmpdir(), `caddy-golden-${name}-`));
    t.after(() => rm(tmp, { recursive: true, force: true }));
    const expected = await readFile(path.join(dir, 'expected.Caddyfile'), 'utf8');

    const fmt = await run(CADDY, ['fmt', path.join(dir, 'expected.Caddyfile')]);
    assert.equal(fmt.code, 0, fmt.stderr);
    assert.equal(fmt.stdout, expected, 'caddy fmt would change the file');

    let text = expected.replaceAll(PLACEHOLDER_STORAGE, path.join(tmp, 'storage')).replaceAll(PLACEHOLDER_LOG, path.join(tmp, 'caddy.log'));
    if (text.includes(PLACEHOLDER_CA_ROOT)) text = text.replaceAll(PLACEHOLDER_CA_ROOT, await writeSelfSignedRoot(tmp));
    const file = path.join(tmp, 'Caddyfile');
    await writeFile(file, text);
    const adapt = await run(CADDY, ['adapt', '--config', file, '--adapter', 'caddyfile', '--validate']);

    if (NEEDS_DNS_MODULE.has(name)) {
      assert.notEqual(adapt.code, 0, 'Debian Caddy unexpectedly knows dns.providers.azure');
      assert.match(adapt.stderr, /module not registered: dns\.providers\.azure/);
      return;
    }
    assert.equal(adapt.code, 0, adapt.stderr);
    // Adapter warnings (e.g. "input is not formatted") are logged to stderr before the config's
    // own logging takes over; the config sends Caddy's log to stdout, so stderr holds none of it.
    const warnings = adapt.stderr.split('\n').filter((line) => /"level":"(warn|error)"|\[WARNING\]/u.test(line));
    assert.deepEqual(warnings, []);
  });
}
