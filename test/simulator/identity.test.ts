// The managed-identity simulator is what the real @azure/identity (via MSAL's App Service
// source) talks to when IDENTITY_ENDPOINT / IDENTITY_HEADER are set; its tokens are the ones the
// Foundry simulator accepts.
//
// MSAL fixes the endpoint and caches tokens process-wide (see identity-simulator.ts), so each
// test below uses its own client id to get a fetch of its own. MSAL also keeps the network
// client of the first credential that fetches a token, with that credential's retry options:
// the first test's credential turns retries off so the failure test is fast.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import '../harness/loopback-guard.js';
import { startFoundrySimulator } from '../../simulator/foundry/simulator.js';
import { SYSTEM_ASSIGNED_CLIENT_ID, startIdentitySimulator, type IdentitySimulator } from '../../simulator/identity.js';

const SCOPE = 'https://cognitiveservices.azure.com/.default';
const RESOURCE = 'https://cognitiveservices.azure.com';

// Only the simulator's variables may steer @azure/identity: no service principal, no workload
// identity, no other managed-identity flavour from the machine running the tests.
for (const name of Object.keys(process.env)) {
  if (/^(AZURE_|MSI_|IDENTITY_|IMDS_|IDENTITY_SERVER_THUMBPRINT)/.test(name)) delete process.env[name];
}
const { DefaultAzureCredential, ManagedIdentityCredential } = await import('@azure/identity');

async function start(
  t: { after(fn: () => Promise<void>): void },
  opts: Parameters<typeof startIdentitySimulator>[0] = {},
): Promise<IdentitySimulator> {
  const mi = await startIdentitySimulator(opts);
  Object.assign(process.env, mi.env);
  t.after(() => mi.close());
  return mi;
}

test('ManagedIdentityCredential gets a token over the App Service protocol, and the second call is served from cache', async (t) => {
  const mi = await start(t);
  const credential = new ManagedIdentityCredential({ retryOptions: { maxRetries: 0 } });
  const first = await credential.getToken(SCOPE);
  const second = await credential.getToken(SCOPE);
  assert.equal(second.token, first.token);
  assert.equal(mi.requests.length, 1, 'one fetch; the second getToken hit the cache');
  assert.deepEqual(mi.tokensIssued, [first.token]);
  const [request] = mi.requests;
  assert.equal(request?.resource, RESOURCE, '/.default is stripped to the resource');
  assert.equal(request?.apiVersion, '2019-08-01');
  assert.equal(request?.clientId, undefined);
  assert.equal(request?.authorized, true);
  assert.equal(request?.headers['x-identity-header'], mi.header);
  assert.match(first.token, /^sim-mi-[0-9a-f]{48}$/);
  // expires_on went out as a string of epoch seconds; @azure/identity turned it into ms.
  assert.ok(Math.abs(first.expiresOnTimestamp - (Date.now() + 86_400_000)) < 10_000);
  assert.equal(mi.isValid(first.token), true);
  assert.equal(mi.isValid(first.token, RESOURCE), true);
  assert.equal(mi.isValid(first.token, 'https://vault.azure.net'), false);
  assert.equal(mi.isValid('sim-mi-forged'), false);
});

test('DefaultAzureCredential reaches the same endpoint; a user-assigned client id is sent as client_id', async (t) => {
  const mi = await start(t);
  const clientId = randomUUID();
  const credential = new DefaultAzureCredential({ managedIdentityClientId: clientId });
  const token = await credential.getToken(SCOPE);
  assert.equal(mi.requests.length, 1);
  assert.equal(mi.requests[0]?.clientId, clientId);
  assert.equal(mi.isValid(token.token), true);
  await credential.getToken(SCOPE);
  assert.equal(mi.requests.length, 1, 'cached');
});

test('a missing or wrong X-IDENTITY-HEADER is refused with 401', async (t) => {
  const mi = await start(t);
  const url = `${mi.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(RESOURCE)}`;
  const wrong = await fetch(url, { headers: { 'x-identity-header': 'nope' } });
  assert.equal(wrong.status, 401);
  assert.equal(((await wrong.json()) as { statusCode: number }).statusCode, 401);
  assert.equal((await fetch(url)).status, 401);
  const right = await fetch(url, { headers: { 'x-identity-header': mi.header } });
  const body = (await right.json()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['access_token', 'client_id', 'expires_on', 'resource', 'token_type']);
  assert.equal(body.token_type, 'Bearer');
  assert.equal(body.client_id, SYSTEM_ASSIGNED_CLIENT_ID);
  assert.match(String(body.expires_on), /^\d{10}$/);
  assert.equal(mi.requests.filter((r) => r.authorized).length, 1);
});

test('failure modes: 500 and down make getToken fail; none recovers', async (t) => {
  const mi = await start(t);
  const url = `${mi.endpoint}?api-version=2019-08-01&resource=${encodeURIComponent(RESOURCE)}`;
  mi.fail('500');
  const failed = await fetch(url, { headers: { 'x-identity-header': mi.header } });
  assert.equal(failed.status, 500);
  assert.match(((await failed.json()) as { message: string }).message, /unexpected error/);
  mi.fail('down');
  await assert.rejects(fetch(url, { headers: { 'x-identity-header': mi.header } }));
  // Through the library (without retries: see the top of this file), both modes fail getToken.
  for (const mode of ['500', 'down'] as const) {
    mi.fail(mode);
    const before = mi.requests.length;
    await assert.rejects(
      new ManagedIdentityCredential({ clientId: randomUUID() }).getToken(SCOPE),
      (err: unknown) => err instanceof Error && err.name === 'CredentialUnavailableError',
    );
    assert.equal(mi.requests.length, before + 1, `${mode}: the library called the endpoint once`);
  }
  mi.fail('none');
  const ok = await new ManagedIdentityCredential({ clientId: randomUUID() }).getToken(SCOPE);
  assert.equal(mi.isValid(ok.token), true);
});

test('tokens expire: isValid follows the issuing clock', async (t) => {
  let now = Date.now();
  const mi = await start(t, { lifetimeSeconds: 600, now: () => now });
  const credential = new ManagedIdentityCredential({ clientId: randomUUID() });
  const token = await credential.getToken(SCOPE);
  assert.ok(Math.abs(token.expiresOnTimestamp - (Date.now() + 600_000)) < 10_000);
  assert.equal(mi.isValid(token.token), true);
  now += 601_000;
  assert.equal(mi.isValid(token.token), false);
});

test('a token from the identity simulator is accepted by the Foundry simulator; others are not', async (t) => {
  const mi = await start(t);
  const sim = await startFoundrySimulator({ acceptToken: (token) => mi.isValid(token, RESOURCE) });
  t.after(() => sim.close());
  const { token } = await new ManagedIdentityCredential({ clientId: randomUUID() }).getToken(SCOPE);
  const call = (apiKey: string): Promise<unknown> =>
    new OpenAI({ baseURL: `${sim.url}/openai/v1`, apiKey, maxRetries: 0 }).chat.completions.create({
      model: 'dep',
      messages: [{ role: 'user', content: 'hi' }],
    });
  await call(token);
  assert.equal(sim.requests[0]?.headers.authorization, `Bearer ${token}`);
  await assert.rejects(call('sim-mi-not-issued'), OpenAI.AuthenticationError);
});

test('a second simulator in the same process is still reached (MSAL fixed the endpoint at the first fetch)', async (t) => {
  const first = await start(t);
  const early = await new ManagedIdentityCredential({ clientId: randomUUID() }).getToken(SCOPE);
  await first.close();
  const second = await start(t);
  assert.deepEqual(second.env, first.env);
  const late = await new ManagedIdentityCredential({ clientId: randomUUID() }).getToken(SCOPE);
  assert.equal(second.requests.length, 1);
  assert.deepEqual(second.tokensIssued, [late.token]);
  // A token MSAL cached from an earlier handle stays valid, as a real token would.
  assert.equal(second.isValid(early.token), true);
});
