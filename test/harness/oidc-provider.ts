/**
 * A real OpenID Connect provider on loopback for the admin sign-in tests: the `oidc-provider`
 * package (what many OpenID-certified deployments run) with one confidential client, accounts
 * whose `roles`/`groups` claims the test chooses, its development login and consent pages (any
 * password), RS256 signing keys made here, and a switch that alters the ID token on its way out of
 * the token endpoint (a broken signature, another audience, an expired token) so the admin's
 * verification is tested against the real thing.
 */
import { createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** Claims of a test account (its login name is its subject). */
export interface TestAccount {
  email?: string;
  name?: string;
  roles?: string[];
  groups?: string[];
}

/** How the token endpoint's ID token is altered. */
export type Tamper = 'none' | 'signature' | 'audience' | 'expired';

/** A running provider. */
export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  tamper: Tamper;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function resign(idToken: string, key: KeyObject, change: (claims: Record<string, unknown>) => void): string {
  const [header = '', payload = ''] = idToken.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  const body = `${header}.${b64(claims)}`;
  return `${body}.${createSign('RSA-SHA256').update(body).sign(key).toString('base64url')}`;
}

/** Starts a provider whose client may redirect to `redirectUris`; stopped when `t` ends. */
export async function startTestProvider(
  t: { after: (fn: () => unknown) => void },
  redirectUris: string[],
  accounts: Record<string, TestAccount>,
): Promise<TestProvider> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: TestProvider = {
    issuer,
    clientId: 'gateway-admin',
    clientSecret: 'client-secret-for-tests-0123456789',
    tamper: 'none',
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    // Entra ID puts app roles and groups in the ID token; so does this provider.
    claims: { openid: ['sub', 'roles', 'groups'], email: ['email'], profile: ['name'] },
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const a = accounts[id];
      return a ? { accountId: id, claims: () => ({ sub: id, ...a }) } : undefined;
    },
    // Loopback HTTP: the provider's own cookies cannot be Secure here.
    cookies: { long: { secure: false }, short: { secure: false } },
  });
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || state.tamper === 'none') return;
    const body = ctx.body as Record<string, unknown>;
    const idToken = String(body.id_token);
    if (state.tamper === 'signature') {
      const sig = idToken.slice(idToken.lastIndexOf('.') + 1);
      body.id_token = `${idToken.slice(0, idToken.lastIndexOf('.') + 1)}${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
    } else if (state.tamper === 'audience') {
      body.id_token = resign(idToken, privateKey, (c) => (c.aud = 'another-application'));
    } else {
      const now = Math.floor(Date.now() / 1000);
      body.id_token = resign(idToken, privateKey, (c) => Object.assign(c, { iat: now - 7200, exp: now - 3600 }));
    }
  });
  server.on('request', provider.callback());
  return state;
}
