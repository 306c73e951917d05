/**
 * The Dockerfile's HEALTHCHECK command, run as the container runtime would (`/bin/sh -c` with the
 * container's environment) against the stack started from the image's layout: it passes while
 * the stack serves, fails while the proxy is stopped, passes again once it is back, and fails
 * while Caddy is stopped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { healthcheckCommand, startImageStack } from '../harness/image-layout.js';
import { waitUntil } from '../harness/ports.js';

/** The HEALTHCHECK's exit code with `env`. */
function healthcheck(env: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', healthcheckCommand()], { env, timeout: 10_000 }, (err) =>
      resolve(err ? (typeof err.code === 'number' ? err.code : -1) : 0),
    );
  });
}

test(
  "the image's HEALTHCHECK passes on a serving stack and fails when the proxy or Caddy is down",
  { timeout: 180_000 },
  async (t) => {
    const { stack } = await startImageStack(t, { simulator: true });
    const env = stack.env;
    await waitUntil(async () => (await healthcheck(env)) === 0, 60_000, 'the HEALTHCHECK to pass');

    assert.match(await stack.supervisorctl('stop', 'proxy'), /proxy: stopped/);
    assert.equal(await healthcheck(env), 1, 'proxy down: unhealthy');
    assert.match(await stack.supervisorctl('start', 'proxy'), /proxy: started/);
    await waitUntil(async () => (await healthcheck(env)) === 0, 60_000, 'the HEALTHCHECK to pass again');

    assert.match(await stack.supervisorctl('stop', 'caddy'), /caddy: stopped/);
    assert.equal(await healthcheck(env), 1, 'Caddy down: unhealthy');
    assert.equal(await stack.stop(), 0);
  },
);
