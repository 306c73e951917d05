import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startPebble } from '../harness/pebble.js';
import { killStack, startStack } from '../harness/stack.js';
import { startCaddy } from '../harness/caddy-process.js';
import { servedFingerprint } from '../harness/loopback-tls.js';
import { freePorts, waitUntil } from '../harness/ports.js';
import { SAMPLE_CONFIG as FIXTURE } from '../harness/paths.js';

// docs/architecture.md, "The init step": a data dir made by the original project — its config
// (the fixture), its Caddyfile (flush_interval -1, encode, no health_headers) and a certificate
// its Caddy got by ACME — starts under this stack without a new order, with the old client key
// working and /healthz through Caddy answering 200.

interface Ports {
  https: number;
  http: number;
  caddyAdmin: number;
  proxy: number;
}

/**
 * The original project's Caddyfile for proxy.test, pointed at pebble. `admin`, `skip_install_trust`
 * and `default_bind` are test-safety additions (no default ports, no system trust store, loopback only).
 */
function originalCaddyfile(p: Ports, storage: string, acmeCa: string, acmeCaRoot: string): string {
  return `{
	email admin@example.com
	admin localhost:${p.caddyAdmin}
	storage file_system {
		root ${storage}
	}
	skip_install_trust
	default_bind 127.0.0.1
	acme_ca ${acmeCa}
	acme_ca_root ${acmeCaRoot}
	http_port ${p.http}
	https_port ${p.https}
}

proxy.test:${p.https} {
	encode gzip
	reverse_proxy 127.0.0.1:${p.proxy} {
		flush_interval -1
		health_uri /healthz
		health_interval 30s
	}
}
`;
}

test(
  'upgrade from the original project: its pebble certificate is reused (0 new orders), CHANGEME still works, /healthz is 200',
  { timeout: 120_000 },
  async (t) => {
    const pebble = await startPebble(t);
    const issuingRoot = await pebble.issuingRoot();
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-upgrade-'));
    const dataDir = path.join(base, 'data');
    const storage = path.join(dataDir, 'caddy');
    await fs.mkdir(storage, { recursive: true });
    const [https, http, caddyAdmin, proxy] = (await freePorts(4)) as [number, number, number, number];
    const ports: Ports = { https, http, caddyAdmin, proxy };

    // The original project at work: its Caddy gets proxy.test from the CA, storing it in DATA_DIR/caddy.
    const caddyfile = path.join(dataDir, 'Caddyfile');
    await fs.writeFile(caddyfile, originalCaddyfile(ports, storage, pebble.directoryUrl, pebble.tlsCaFile));
    const runDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-upgrade-caddy-'));
    const original = await startCaddy(t, { configFile: caddyfile, dir: runDir, adminPort: ports.caddyAdmin });
    t.after(() => fs.rm(runDir, { recursive: true, force: true }));
    const certFile = path.join(
      storage,
      'certificates',
      new URL(pebble.directoryUrl).host.replace(':', '-') + '-dir',
      'proxy.test',
      'proxy.test.crt',
    );
    await waitUntil(
      async () => (await fs.stat(certFile)).size > 0,
      30_000,
      'the original Caddy to store a pebble certificate for proxy.test',
    );
    const originalLeaf = new X509Certificate(await fs.readFile(certFile, 'utf8'));
    assert.match(originalLeaf.issuer, /Pebble Intermediate CA/);
    await original.stop();
    const ordersBefore = await pebble.orders();
    assert.equal(ordersBefore, 1);

    // Its config: the fixture with our test domain, pebble as the CA and a free HTTPS port.
    const config = JSON.parse(await fs.readFile(FIXTURE, 'utf8')) as { server: { caddy: Record<string, unknown> } };
    Object.assign(config.server.caddy, {
      domain: 'proxy.test',
      httpsPort: ports.https,
      acme: { ca: pebble.directoryUrl, caRoot: pebble.tlsCaFile },
    });
    await fs.writeFile(path.join(dataDir, 'config.json'), JSON.stringify(config, null, 2));

    // The fixture's Foundry upstream has no working credential, so /readyz says 503: wait on /healthz.
    const stack = await startStack({
      baseDir: base,
      env: { HTTPS_PORT: String(ports.https), HTTP_PORT: String(ports.http) },
      site: { host: 'proxy.test', ca: issuingRoot },
      readyPath: '/healthz',
    });
    // after hooks run in order: the stack is gone before its directory is removed.
    t.after(() => killStack(stack));
    t.after(() => fs.rm(base, { recursive: true, force: true }));

    await t.test(
      'Caddy serves the certificate the original project stored: same fingerprint, 0 new ACME orders',
      async () => {
        assert.equal(await servedFingerprint(ports.https, 'proxy.test', issuingRoot), originalLeaf.fingerprint256);
        await new Promise((r) => setTimeout(r, 1000));
        assert.equal(await pebble.orders(), ordersBefore);
      },
    );

    await t.test(
      '/healthz through Caddy answers 200 with the health key; the original Caddyfile is kept aside',
      async () => {
        const res = await stack.fetch(`${stack.url}/healthz`, {
          headers: { authorization: `Bearer ${await stack.healthKey()}` },
        });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { status: 'ok' });
        const legacy = await fs.readFile(path.join(dataDir, 'Caddyfile.legacy'), 'utf8');
        assert.match(legacy, /flush_interval -1/);
        const rendered = await fs.readFile(caddyfile, 'utf8');
        assert.match(rendered, /health_headers/);
        assert.doesNotMatch(rendered, /flush_interval|encode/);
      },
    );

    await t.test('the old client key CHANGEME still works (SDK over HTTPS, stored only as a hash)', async () => {
      const res = await stack
        .sdk('CHANGEME')
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'old key' }] });
      assert.match(res.choices[0]?.message.content ?? '', /old key/);
      assert.doesNotMatch(await fs.readFile(path.join(dataDir, 'config.json'), 'utf8'), /"CHANGEME"/);
    });
    assert.equal(await stack.stop(), 0);
  },
);
