// The key ring behind client authentication: hashed client keys, and the health key (the current
// one and the previous one during an apply) recognised apart from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigText } from '../../common/config/load.js';
import { hashClientKey } from '../../common/key-hash.js';
import { KeyRing } from '../../proxy/access/client-auth.js';

test('hashed keys authenticate and the health key is recognised separately', () => {
  const { config } = parseConfigText(
    JSON.stringify({
      server: { healthKey: 'health-key-0123456789' },
      apiKeys: [{ id: 'hashed', keyHash: hashClientKey('s3cret-key') }],
    }),
  );
  const ring = new KeyRing(config, ['previous-health-key-000']);
  const hit = ring.identify('s3cret-key');
  assert.equal(hit?.kind === 'client' ? hit.entry.id : undefined, 'hashed');
  assert.deepEqual(ring.identify('health-key-0123456789'), { kind: 'health' });
  assert.deepEqual(ring.identify('previous-health-key-000'), { kind: 'health' });
  assert.equal(ring.identify('s3cret-kez'), undefined);
});
