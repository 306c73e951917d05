/**
 * One Caddy version: the binary every test runs (CADDY_BIN, from `make deps`) is the version the
 * image installs (the Dockerfile's CADDY_DEB_VERSION), Caddy 2.11, and the DNS-01 target builds the
 * same upstream version (docs/caddy.md, "One Caddy version").
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { CADDY_BIN } from '../harness/caddy-process.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

function arg(name: string): string {
  const m = new RegExp(`^ARG ${name}=(\\S+)$`, 'm').exec(dockerfile);
  assert.ok(m?.[1], `no ARG ${name}= in the Dockerfile`);
  return m[1];
}

test("the Caddy the tests run is 2.11.x and the very version the Dockerfile pins", async () => {
  const { stdout } = await promisify(execFile)(CADDY_BIN, ['version']);
  const running = stdout.trim().split(/\s+/)[0];
  assert.match(running ?? '', /^2\.11\.\d+$/, `${CADDY_BIN} reports ${stdout.trim()}`);

  const upstream = arg('CADDY_VERSION');
  const deb = arg('CADDY_DEB_VERSION');
  assert.equal(running, upstream, `tests run Caddy ${running}, the Dockerfile pins ${upstream}: run make deps`);
  assert.ok(deb.startsWith(`${upstream}-`), `CADDY_DEB_VERSION ${deb} is not a build of ${upstream}`);
  assert.equal(readFileSync(path.join(path.dirname(CADDY_BIN), '..', 'deb-version'), 'utf8').trim(), deb, 'the unpacked package is the pinned build');

  // The image installs that package build; the DNS-01 target builds the same upstream version.
  assert.match(dockerfile, /apt-get install [^\n]*-t trixie-backports "caddy=\$\{CADDY_DEB_VERSION\}"/);
  const minor = upstream.split('.').slice(0, 2).join('.');
  assert.match(dockerfile, new RegExp(`^FROM caddy:${minor.replace('.', '\\.')}-builder AS `, 'm'));
  assert.match(dockerfile, /xcaddy build "v\$\{CADDY_VERSION\}"/);
});
