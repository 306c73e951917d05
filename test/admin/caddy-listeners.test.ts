// The Domain & TLS page's "in use now" line comes from Caddy's running config: every server's
// listen addresses, once each, by port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenAddresses } from '../../admin/caddy/listeners.js';

test('listen addresses of every server, once, sorted by port; nothing for a missing config', () => {
  const running = {
    apps: {
      http: {
        servers: {
          srv0: { listen: [':8443'] },
          srv1: { listen: ['127.0.0.1:8080', ':8443'] },
          bridge: { listen: [':9443'] },
          odd: { listen: 'not a list' },
        },
      },
    },
  };
  assert.deepEqual(listenAddresses(running), ['127.0.0.1:8080', ':8443', ':9443']);
  assert.deepEqual(listenAddresses(null), []);
  assert.deepEqual(listenAddresses({ apps: {} }), []);
});
