// A request is served with one config snapshot, taken on first use: a reload while it runs does
// not give it keys from one config and models from another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyRequest } from 'fastify';
import { parseConfigText } from '../../common/config/load.js';
import { buildSnapshot, snapshotOf, type ConfigSnapshot } from '../../proxy/snapshot.js';

test('snapshotOf takes the snapshot once per request and keeps it across a reload', () => {
  const snap = (id: string) => {
    const loaded = parseConfigText(
      JSON.stringify({ upstreams: [{ name: 'u', baseUrl: 'http://127.0.0.1:1' }], models: [{ id, upstream: 'u' }] }),
    );
    return buildSnapshot(loaded.config, loaded.text);
  };
  let current: ConfigSnapshot = snap('before');
  let taken = 0;
  const source = {
    snapshot: () => {
      taken++;
      return current;
    },
  };
  const first = {} as FastifyRequest;
  assert.equal(snapshotOf(first, source).catalog.get('before')?.entry.id, 'before');
  current = snap('after');
  assert.equal(snapshotOf(first, source).catalog.get('before')?.entry.id, 'before');
  assert.equal(taken, 1);
  const second = {} as FastifyRequest;
  assert.equal(snapshotOf(second, source).catalog.get('after')?.entry.id, 'after');
  assert.equal(taken, 2);
});
