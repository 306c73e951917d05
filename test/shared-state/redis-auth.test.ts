// Azure-shaped Redis authentication against a real redis-server (docs/shared-state.md, "Azure
// Cache for Redis and Azure Managed Redis"): TLS (rediss://) with an access key, a wrong key
// (never ok, commands refused at once), and Microsoft Entra ID: the real @azure/identity
// managed-identity path fetches a token for https://redis.azure.com/.default, it is the
// password, and a new token is sent (AUTH on the open connection) before the old one expires.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'node:test';
import { randomUUID } from 'node:crypto';
import { ManagedIdentityCredential, type AccessToken, type TokenCredential } from '@azure/identity';
import pino from 'pino';
import { createClient } from 'redis';
import { SharedRedis, SharedStateUnavailable } from '../../common/redis/shared-redis.js';
import { objectIdOf, REDIS_SCOPE } from '../../common/redis/entra-credentials.js';
import { startIdentitySimulator } from '../../simulator/identity.js';
import { makeListenerCertificate } from '../harness/pebble.js';
import { reached, waitUntil } from '../harness/ports.js';
import { startRedis } from '../harness/redis-server.js';

const log = pino({ level: 'silent' });
const ADMIN_PASSWORD = 'redis-admin-password-0001';

test('rediss:// with an access key connects; a wrong key stays degraded and fails at once', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-redis-tls-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const tls = await makeListenerCertificate(dir);
  const redis = await startRedis(t, { tls, args: ['--requirepass', ADMIN_PASSWORD] });
  assert.match(redis.url, /^rediss:\/\//);
  const tlsCa = await fs.readFile(tls.caFile, 'utf8');

  const good = await SharedRedis.open(
    { url: redis.url, auth: 'accessKey', accessKey: ADMIN_PASSWORD, keyPrefix: 'gw:', timeoutMs: 1000 },
    { log, name: 'test', tlsCa },
  );
  t.after(() => good.close());
  await waitUntil(async () => good.healthy, 10_000, 'the TLS connection to be ok');
  assert.equal(await good.command(['SET', good.key('probe'), 'yes']), 'OK');
  assert.equal(await redis.command(['GET', 'gw:{gw}:probe'], ADMIN_PASSWORD), 'yes');

  const wrong = await SharedRedis.open(
    { url: redis.url, auth: 'accessKey', accessKey: 'not-the-key', keyPrefix: 'gw:', timeoutMs: 1000 },
    { log, name: 'test', tlsCa },
  );
  t.after(() => wrong.close());
  assert.equal(await reached(async () => wrong.healthy, 1_500), false);
  await assert.rejects(wrong.command(['GET', 'x']), SharedStateUnavailable);
});

test('Entra ID: the managed identity token is the password and is renewed on the open connection before it expires', async (t) => {
  // Tokens live 8 s here (Azure's live about an hour): renewal comes at 3/4 of that.
  const identity = await startIdentitySimulator({ lifetimeSeconds: 8 });
  t.after(() => identity.close());
  Object.assign(process.env, identity.env);
  const redis = await startRedis(t, { args: ['--requirepass', ADMIN_PASSWORD] });
  const clientId = randomUUID();
  // One admin connection (one AUTH of its own), so AUTH counts below are the gateway's.
  const admin = createClient({ url: redis.url, RESP: 2, password: ADMIN_PASSWORD });
  // Redis stops before this connection closes (after-hooks run in order).
  admin.on('error', () => undefined);
  await admin.connect();
  t.after(() => admin.close());
  const adminCommand = (args: string[]) => admin.sendCommand(args);
  // Azure accepts exactly the tokens it issued; so does this Redis: each new token becomes the
  // identity's only password (resetpass), as the real credential hands it out.
  const real = new ManagedIdentityCredential({ clientId });
  const scopes: string[] = [];
  const credential: TokenCredential = {
    async getToken(scope): Promise<AccessToken | null> {
      scopes.push(String(scope));
      const token = await real.getToken(scope);
      if (token)
        await adminCommand(['ACL', 'SETUSER', clientId, 'on', 'resetpass', `>${token.token}`, '~*', '&*', '+@all']);
      return token;
    },
  };
  const shared = await SharedRedis.open(
    { url: redis.url, auth: 'entra', clientId, keyPrefix: 'gw:', timeoutMs: 1000 },
    { log, name: 'test', credential },
  );
  t.after(() => shared.close());
  await waitUntil(async () => shared.healthy, 10_000, 'the Entra-authenticated connection to be ok');
  assert.equal(await shared.command(['ACL', 'WHOAMI']), clientId);
  assert.deepEqual([...new Set(scopes)], [REDIS_SCOPE]);

  const authCalls = async () =>
    Number(/cmdstat_auth:calls=(\d+)/.exec(String(await adminCommand(['INFO', 'commandstats'])))?.[1] ?? 0);
  const before = await authCalls();
  await waitUntil(async () => (await authCalls()) > before, 15_000, 'a renewed token to be sent with AUTH');
  // The old token no longer works anywhere; the connection still does, authenticated with the new one.
  assert.equal(await shared.command(['SET', shared.key('after-renewal'), '1']), 'OK');
  const stats = String(await adminCommand(['INFO', 'commandstats']));
  assert.match(stats, /cmdstat_auth:calls=\d+,.*,rejected_calls=0,failed_calls=0/);
  assert.ok(identity.tokensIssued.length >= 2);
});

test("the Entra user name is the token's object id", () => {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  assert.equal(
    objectIdOf(
      `${part({ alg: 'RS256' })}.${part({ oid: '5f0c8a1e-0000-4000-8000-000000000001', aud: 'https://redis.azure.com' })}.sig`,
    ),
    '5f0c8a1e-0000-4000-8000-000000000001',
  );
  assert.equal(objectIdOf('sim-mi-opaque'), undefined);
});
