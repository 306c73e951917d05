// A config that cannot be used is refused with every problem as {path, message} (JSON pointers),
// references between sections included, and malformed JSON as one issue that quotes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../common/config/load.js';
import { ConfigInvalidError } from '../../common/config/errors.js';
import { SAMPLE_CONFIG as FIXTURE } from '../harness/paths.js';

function issuesOf(text: string) {
  try {
    parseConfigText(text);
  } catch (err) {
    assert.ok(err instanceof ConfigInvalidError);
    return err.issues;
  }
  assert.fail('expected the config to be rejected');
}

test('invalid config reports every problem as {path, message} with JSON pointers', () => {
  const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown> & {
    server: Record<string, unknown>;
  };
  fixture.server.upstream = { connectTimeoutMs: 'fast' };
  fixture.bogus = true;
  const issues = issuesOf(JSON.stringify(fixture));
  assert.deepEqual(issues, [
    { path: '/bogus', message: 'is not a known setting' },
    { path: '/server/upstream/connectTimeoutMs', message: 'must be integer' },
  ]);
});

test('references between sections are checked', () => {
  const issues = issuesOf(
    JSON.stringify({
      apiKeys: [{ id: 'a' }, { id: 'a', key: 'k', models: ['nope'] }],
      upstreams: [{ name: 'u', baseUrl: 'https://x.example/' }],
      models: [{ id: 'm', upstream: 'missing' }, { id: 'n' }, { id: 'm', upstream: 'u' }],
    }),
  );
  assert.deepEqual(issues, [
    { path: '/models/2', message: 'duplicate model id "m"' },
    { path: '/apiKeys/1', message: 'duplicate key id "a"' },
    { path: '/models/0/upstream', message: 'no upstream named "missing"' },
    { path: '/models/1/upstream', message: 'is required (or give targets)' },
    { path: '/apiKeys/0', message: 'needs key or keyHash' },
    { path: '/apiKeys/1/models/0', message: 'no model with id "nope"' },
  ]);
});

test('malformed JSON is one clear issue, not a stack trace', () => {
  const issues = issuesOf('{"server": ');
  assert.deepEqual(issues, [{ path: '', message: 'is not valid JSON (it ends too early)' }]);
  // The error never quotes the file: a secret next to the mistake must not reach a log.
  const leaky = issuesOf('{"apiKeys": [{"id": "a", "key": "TOPSECRET-123"},]}');
  assert.equal(leaky.length, 1);
  assert.ok(!leaky[0]!.message.includes('TOPSECRET'), leaky[0]!.message);
});
