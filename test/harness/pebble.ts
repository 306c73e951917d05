/**
 * Debian's pebble — a real RFC 8555 ACME CA — on free loopback ports for certificate issuance
 * tests (docs/development.md, "ACME with pebble on loopback"). pebble ships no certificate for its
 * own listener, so one is made with openssl in a temp dir; challenges are always valid
 * (PEBBLE_VA_ALWAYS_VALID) and the VA does not sleep, so an order takes about a second. Stopped in
 * t.after. Certificates it issues chain to a root generated at start: a restarted pebble has a new
 * root, so keep one running across the restarts a test makes.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { readyOrExit, startChild, stopChild } from './child.js';
import { freePorts, waitUntil } from './ports.js';

const run = promisify(execFile);

/** The pebble binary (PEBBLE_BIN, else `pebble` on PATH). */
export const PEBBLE_BIN = process.env.PEBBLE_BIN ?? 'pebble';

/** A running pebble. */
export interface Pebble {
  /** The ACME directory, for Caddy's `acme_ca` (`server.caddy.acme.ca`). */
  directoryUrl: string;
  /** PEM file of the CA that signed pebble's own listener certificate: Caddy's `acme_ca_root` (`server.caddy.acme.caRoot`). */
  tlsCaFile: string;
  /** The root the certificates pebble issues chain to (management `/roots/0`); clients trust this one. */
  issuingRoot(): Promise<string>;
  /** How many orders pebble has accepted so far (its `Added order … to the db` log lines). */
  orders(): Promise<number>;
  /** pebble's log (stdout and stderr). */
  log(): Promise<string>;
  stop(): Promise<void>;
}

/** Makes a CA and a certificate for `localhost` / 127.0.0.1 signed by it, in `dir` (pebble's listener, a TLS Redis). */
export async function makeListenerCertificate(
  dir: string,
): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const f = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await run('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=pebble listener test CA',
  ]);
  await run('openssl', ['req', ...ec, '-keyout', f('key.pem'), '-out', f('cert.csr'), '-subj', '/CN=localhost']);
  await fs.writeFile(f('ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('cert.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-out',
    f('cert.pem'),
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
  ]);
  return { caFile: f('ca.pem'), certFile: f('cert.pem'), keyFile: f('key.pem') };
}

/** Starts pebble on free loopback ports and waits until its management API serves the root. */
export async function startPebble(t: TestContext): Promise<Pebble> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-pebble-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const { caFile, certFile, keyFile } = await makeListenerCertificate(dir);
  const [acmePort, managementPort, httpPort, tlsPort] = (await freePorts(4)) as [number, number, number, number];
  const configFile = path.join(dir, 'pebble.json');
  await fs.writeFile(
    configFile,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: certFile,
        privateKey: keyFile,
        // Where the VA would validate; unused with PEBBLE_VA_ALWAYS_VALID, but pebble needs them.
        httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  const logFile = path.join(dir, 'pebble.log');
  const child = startChild({
    name: 'pebble',
    command: PEBBLE_BIN,
    args: ['-config', configFile],
    // NONCEREJECT=0: pebble rejects 5% of good nonces by default, which only adds client retries.
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PEBBLE_VA_ALWAYS_VALID: '1',
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
    },
    logFile,
  });
  const ca = await fs.readFile(caFile, 'utf8');
  const agent = new Agent({ connect: { ca } });
  const stop = async () => {
    await stopChild(child);
    await agent.close();
  };
  t.after(stop);
  const log = () => fs.readFile(logFile, 'utf8');

  const issuingRoot = async () => {
    const res = await request(`https://127.0.0.1:${managementPort}/roots/0`, { dispatcher: agent });
    const pem = await res.body.text();
    if (res.statusCode !== 200 || !pem.includes('BEGIN CERTIFICATE'))
      throw new Error(`pebble /roots/0 answered ${res.statusCode}`);
    return pem;
  };
  try {
    await readyOrExit(
      child,
      waitUntil(async () => (await issuingRoot()) !== '', 15_000, 'pebble to serve its root'),
    );
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- pebble log ---\n${(await log()).slice(-3000)}`, { cause: err });
  }
  return {
    directoryUrl: `https://127.0.0.1:${acmePort}/dir`,
    tlsCaFile: caFile,
    issuingRoot,
    orders: async () => (await log()).match(/^Pebble .* Added order "[^"]+" to the db$/gm)?.length ?? 0,
    log,
    stop,
  };
}
