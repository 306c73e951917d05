import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT as ROOT } from '../harness/paths.js';

// No Docker engine runs on our machines, so the image is checked as text: the parts the
// entry script and supervisord.conf rely on, and the security properties the issue asks for.
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const lines = dockerfile.split('\n').filter((l) => l.trim() && !l.trimStart().startsWith('#'));

test('every external base image has a tag; stage references name earlier stages', () => {
  const stages = new Set<string>();
  for (const line of lines.filter((l) => /^FROM /.test(l))) {
    const m = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    assert.ok(m, line);
    const image = m[1]!;
    if (!stages.has(image)) assert.match(image, /^[a-z0-9./-]+:[A-Za-z0-9._-]+$/, `untagged image in: ${line}`);
    if (m[2]) stages.add(m[2]);
  }
  for (const line of lines.filter((l) => /--from=/.test(l))) {
    const from = /--from=(\S+)/.exec(line)![1]!;
    assert.ok(stages.has(from) || from.includes(':'), `unknown stage or untagged image in: ${line}`);
  }
});

test('the default target runs its programs as a non-root user, publishes only 80/443, and keeps state in a volume', () => {
  const lastStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  assert.match(lastStage, /^FROM base AS runtime$/m, 'the official-Caddy runtime is the last (default) stage');
  // supervisord is root (ACI's Azure Files mounts need it); the programs are not.
  assert.match(dockerfile, /PROGRAM_USER=node/);
  const conf = readFileSync(path.join(ROOT, 'supervisord.conf'), 'utf8');
  for (const program of ['caddy', 'proxy', 'admin']) {
    assert.match(conf, new RegExp(`\\[program:${program}\\]\\nuser=%\\(ENV_PROGRAM_USER\\)s`), program);
  }
  const exposes = lines.filter((l) => l.startsWith('EXPOSE')).join(' ');
  assert.equal(exposes, 'EXPOSE 80 443');
  assert.match(dockerfile, /^VOLUME \["\/app\/data"\]$/m);
  assert.match(dockerfile, /setcap cap_net_bind_service=\+ep \/usr\/bin\/caddy/);
  assert.match(dockerfile, /^HEALTHCHECK /m);
  assert.match(dockerfile, /^ENTRYPOINT \["\/app\/deploy\/entrypoint.sh"\]$/m);
  assert.match(dockerfile, /npm ci --omit=dev/, 'production dependencies only');
  assert.doesNotMatch(
    dockerfile,
    /ENV[^\n]*(HTTPS_PORT|HTTP_PORT|SIMULATOR)/,
    'the image sets no port variables and no simulator',
  );
});

test('everything the image copies from the repository exists, and it ships the same entry script and supervisord.conf as make up', () => {
  for (const line of lines.filter((l) => l.startsWith('COPY') && !l.includes('--from='))) {
    const parts = line.split(/\s+/).slice(1, -1);
    for (const src of parts) assert.ok(existsSync(path.join(ROOT, src)), `COPY source missing: ${src}`);
  }
  assert.match(dockerfile, /COPY package.json supervisord.conf \.\//);
  assert.match(dockerfile, /COPY deploy\/entrypoint.sh \.\/deploy\/entrypoint.sh/);
  const upScript = readFileSync(path.join(ROOT, 'deploy/up.sh'), 'utf8');
  assert.match(upScript, /deploy\/entrypoint\.sh/, 'make up runs the same entry script');
});
