import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type OpenAI from 'openai';
import { startPebble } from '../harness/pebble.js';
import { killStack, startStack, type Stack } from '../harness/stack.js';
import { stackAdminApi, type StackAdminApi } from '../harness/stack-admin-api.js';
import { loopbackSdk, servedFingerprint } from '../harness/loopback-tls.js';
import { waitUntil } from '../harness/ports.js';
import { REPO_ROOT } from '../harness/paths.js';

// Issue 3, "Tests with real parts": real Caddy under the real stack gets certificates from Debian's
// pebble on loopback. One pebble serves the whole test, because certificates chain to the root of
// the pebble run that issued them (docs/development.md, "ACME with pebble on loopback").

interface CertStatus {
  domain: string;
  certificate: { found: boolean; issuer?: string; issuerDir?: string; names?: string[] };
}

/** The certificate `/admin/api/caddy/status` reports for `domain`, or undefined. */
async function certificateStatus(api: StackAdminApi, domain: string): Promise<CertStatus['certificate'] | undefined> {
  const r = await api.call('GET', '/admin/api/caddy/status');
  const domains = (r.body as { domains?: CertStatus[] }).domains ?? [];
  return domains.find((d) => d.domain === domain)?.certificate;
}

async function waitForPebbleCertificate(api: StackAdminApi, domain: string): Promise<NonNullable<CertStatus['certificate']>> {
  let cert: CertStatus['certificate'] | undefined;
  await waitUntil(
    async () => {
      cert = await certificateStatus(api, domain);
      return cert?.found === true && /Pebble Intermediate CA/.test(cert.issuer ?? '');
    },
    30_000,
    `a pebble certificate for ${domain} in Caddy's storage`,
  );
  return cert!;
}

const closers: (() => Promise<void>)[] = [];

function sdkFor(host: string, stack: Stack, key: string, ca: string): OpenAI {
  const { client, close } = loopbackSdk(host, stack.env.HTTPS_PORT ?? '', key, ca);
  closers.push(close);
  return client;
}

test('ACME with pebble: issued for proxy.test, SDK over HTTPS, reused after a restart, re-issued for a new domain', { timeout: 150_000 }, async (t) => {
  const pebble = await startPebble(t);
  const issuingRoot = await pebble.issuingRoot();
  const base = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-acme-'));

  // A data dir whose config points Caddy at pebble before the first start: init keeps an existing
  // config.json, so Caddy never asks a public CA.
  const config = JSON.parse(await fs.readFile(path.join(REPO_ROOT, 'data-skel/config.json'), 'utf8')) as { server: Record<string, unknown> };
  config.server.caddy = { domain: 'proxy.test', acme: { ca: pebble.directoryUrl, caRoot: pebble.tlsCaFile } };
  await fs.mkdir(path.join(base, 'data'), { recursive: true });
  await fs.writeFile(path.join(base, 'data/config.json'), JSON.stringify(config, null, 2));

  const site = { host: 'proxy.test', ca: issuingRoot };
  let stack = await startStack({ baseDir: base, site });
  // after hooks run in order: the stack is gone before its directory is removed.
  t.after(() => killStack(stack));
  t.after(() => fs.rm(base, { recursive: true, force: true }));
  t.after(() => Promise.all(closers.map((close) => close())));
  const key = await stack.clientKey();
  let api = await stackAdminApi(stack);
  const storedLeaf = async (domain: string) => {
    const cert = await certificateStatus(api, domain);
    const pem = await fs.readFile(path.join(stack.dataDir, 'caddy/certificates', cert?.issuerDir ?? '-', domain, `${domain}.crt`), 'utf8');
    return new X509Certificate(pem).fingerprint256;
  };

  let firstFingerprint = '';
  await t.test('a certificate for proxy.test is issued by pebble through ACME (1 order) and served', async () => {
    const cert = await waitForPebbleCertificate(api, 'proxy.test');
    assert.match(cert.issuerDir ?? '', /^127\.0\.0\.1-\d+-dir$/);
    assert.deepEqual(cert.names, ['proxy.test']);
    assert.equal(await pebble.orders(), 1);
    firstFingerprint = await servedFingerprint(Number(stack.env.HTTPS_PORT), 'proxy.test', issuingRoot);
    assert.equal(firstFingerprint, await storedLeaf('proxy.test'), 'Caddy serves the stored certificate');
  });

  await t.test('an openai SDK call to https://proxy.test succeeds trusting only pebble\'s issuing root', async () => {
    const res = await sdkFor('proxy.test', stack, key, issuingRoot).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'over pebble tls' }] });
    assert.match(res.choices[0]?.message.content ?? '', /over pebble tls/);
  });

  await t.test('a restart with the same data dir reuses the stored certificate: 0 new orders, same fingerprint', async () => {
    const ordersBefore = await pebble.orders();
    assert.equal(await stack.stop(), 0);
    // Fresh ports this time (HTTPS and SIM_PORT included): the stored certificate does not depend
    // on the port, and init points the simulator upstream at the new SIM_PORT.
    stack = await startStack({ baseDir: base, site });
    api = await stackAdminApi(stack);
    const res = await sdkFor('proxy.test', stack, key, issuingRoot).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'after restart' }] });
    assert.match(res.choices[0]?.message.content ?? '', /after restart/);
    assert.equal(await servedFingerprint(Number(stack.env.HTTPS_PORT), 'proxy.test', issuingRoot), firstFingerprint);
    // Give a stray background issuance a moment to show in pebble's log before counting.
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await pebble.orders(), ordersBefore, 'no new ACME order after the restart');
  });

  await t.test('changing the domain to other.test through the admin API issues a new certificate (1 more order)', async (st) => {
    const ordersBefore = await pebble.orders();
    const saved = await api.editConfig((c) => {
      ((c.server as Record<string, unknown>).caddy as Record<string, unknown>).domain = 'other.test';
    });
    assert.ok(saved.etag);
    const cert = await waitForPebbleCertificate(api, 'other.test');
    assert.deepEqual(cert.names, ['other.test']);
    assert.equal(await pebble.orders(), ordersBefore + 1);
    const served = await servedFingerprint(Number(stack.env.HTTPS_PORT), 'other.test', issuingRoot);
    assert.equal(served, await storedLeaf('other.test'));
    const res = await sdkFor('other.test', stack, key, issuingRoot).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'new name' }] });
    assert.match(res.choices[0]?.message.content ?? '', /new name/);
    st.diagnostic(`pebble orders: ${await pebble.orders()} (proxy.test once, other.test once)`);
  });
  assert.equal(await stack.stop(), 0);
});
