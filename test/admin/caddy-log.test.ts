/**
 * Reading Caddy's log file for the admin: only its tail is parsed, lines are filtered by level
 * and text, and the last ACME error is found per domain.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { filterLines, lastAcmeError, tailJsonLines } from '../../admin/caddy/log.js';

test('caddy.log is read from its tail only, and ACME errors are found per domain', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'gw-caddylog-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'caddy.log');
  const filler = `${JSON.stringify({ level: 'info', ts: 1, logger: 'http.log.access', msg: 'handled request', pad: 'x'.repeat(200) })}\n`;
  const old = {
    level: 'error',
    ts: 2,
    logger: 'tls.obtain',
    msg: 'could not get certificate from issuer',
    identifier: 'old.example',
    error: 'too old to be seen',
  };
  const lines = [
    {
      level: 'error',
      ts: 3,
      logger: 'tls.obtain',
      msg: 'could not get certificate from issuer',
      identifier: 'gw.example',
      error: 'HTTP 400 urn:ietf:params:acme:error:connection',
    },
    { level: 'info', ts: 4, logger: 'tls.obtain', msg: 'obtaining certificate', identifier: 'gw.example' },
    { level: 'error', ts: 5, logger: 'http.log.access', msg: 'handled request', host: 'gw.example' },
  ];
  await writeFile(
    file,
    `${JSON.stringify(old)}\n${filler.repeat(1400)}not json\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n`,
  );
  const tail = await tailJsonLines(file);
  assert.ok(tail.length < 1400, 'only the last 256 KB is parsed');
  assert.equal(lastAcmeError(tail, 'old.example'), undefined);
  assert.equal(lastAcmeError(tail, 'GW.example')?.error, 'HTTP 400 urn:ietf:params:acme:error:connection');
  assert.deepEqual(
    filterLines(tail, { limit: 5, minLevel: 50 }).map((l) => l.ts),
    [3, 5],
  );
  assert.deepEqual(
    filterLines(tail, { limit: 1, contains: 'obtaining' }).map((l) => l.ts),
    [4],
  );
  assert.deepEqual(await tailJsonLines(path.join(dir, 'missing.log')), []);
});
