// A staged change's certificate probe says why a name has no certificate as a code the UI words
// in its own language (and in English for the API and logs); the banner's view keeps both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tlsCertProbe } from '../../admin/caddy/cert-probe.js';
import { stagedView } from '../../admin/ui/js/staged-status.js';
import { freePort } from '../harness/ports.js';

test('nothing listening is a coded finding; the banner view keeps the code and the ACME error', async () => {
  const port = await freePort();
  const result = await tlsCertProbe('127.0.0.1')('new.test', port);
  assert.deepEqual(result, { ok: false, code: 'not_listening', error: 'nothing listens on the HTTPS port yet' });

  const view = stagedView({
    change: {
      id: 'c1',
      state: 'pending',
      certificates: [
        {
          host: 'new.test',
          issued: false,
          lastError: 'Caddy has no certificate for it yet; the last ACME error: dial tcp: refused',
          lastErrorCode: 'no_certificate',
          lastAcmeError: 'dial tcp: refused',
        },
      ],
      httpsPort: 8443,
      previousHttpsPort: 8443,
    },
    remainingMs: 1000,
  });
  assert.deepEqual(view.change?.certificates[0], {
    host: 'new.test',
    issued: false,
    lastError: 'Caddy has no certificate for it yet; the last ACME error: dial tcp: refused',
    lastErrorCode: 'no_certificate',
    lastAcmeError: 'dial tcp: refused',
  });
});
