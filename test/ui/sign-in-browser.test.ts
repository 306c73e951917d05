/**
 * The Entra ID sign-in round trip in Chromium against a real OpenID provider on loopback: the
 * admin sends the browser to the sign-in page, then to the provider, and back with a session; the
 * top bar names the user and role; an owner makes an admin API token on the Access page and it
 * works from curl's side; signing out ends the session; a viewer is told pages are read-only.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { assertUiBuilt, open, shot, startBrowser } from '../harness/browser.js';
import { ACCOUNTS, identityConfig, oidcSettings, startIdentityApp } from '../harness/admin-identity.js';
import { startTestProvider } from '../harness/oidc-provider.js';

async function freshPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 900 },
    locale: 'en-US',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => errors.push(e.message));
  // The provider's development pages import a web font: nothing leaves the machine.
  await page.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (r) => r.abort());
  return page;
}

async function signInAs(page: Page, base: string, login: string): Promise<void> {
  await page.goto(`${base}/admin/keys`);
  await page.waitForURL(/\/admin\/login\?return=/);
  await page.locator('#sign-in-entra').click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await page.locator('button[type="submit"]', { hasText: 'Continue' }).click();
  await page.waitForURL(`${base}/admin/keys`);
}

test('sign in with Entra ID in Chromium, make a token, sign out', { timeout: 120_000 }, async (t) => {
  await assertUiBuilt();
  const { app, dir } = await startIdentityApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const base = `http://localhost:${port}`;
  const provider = await startTestProvider(t, [`${base}/admin/auth/oidc/callback`], ACCOUNTS);
  await writeFile(
    path.join(dir, 'config.json'),
    JSON.stringify(await identityConfig({ oidc: oidcSettings(provider) })),
  );
  const browser = await startBrowser(t);
  const errors: string[] = [];

  const page = await freshPage(browser, errors);
  await signInAs(page, base, 'alice');
  await page.locator('h1#page-title', { hasText: 'API keys' }).waitFor();
  assert.equal(await page.locator('#whoami').textContent(), 'Signed in as Alice Owner (owner)');
  const cookies = await page.context().cookies(base);
  const session = cookies.find((c) => c.name === '__Host-gw-admin-session');
  assert.deepEqual([session?.httpOnly, session?.secure, session?.sameSite], [true, true, 'Lax']);

  await open(page, 'access', 'Access');
  await page.locator('#tokens input[type="text"]').fill('ci pipeline');
  await page.locator('#create-token').click();
  const token = (await page.locator('#new-token').textContent()) ?? '';
  assert.match(token, /^gwadm_/);
  await page.locator('#tokens table', { hasText: 'ci pipeline' }).waitFor();
  await shot(page, 'access');
  const curl = await fetch(`http://127.0.0.1:${port}/admin/api/keys`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(curl.status, 200);

  // Changing the provider is announced before it is saved; removing it asks first.
  const clientId = page.locator('[data-path="/server/adminAuth/oidc/clientId"] input');
  const providerChange = page.locator('.alert', { hasText: 'signs out everyone signed in with Entra ID' });
  assert.equal(await providerChange.isVisible(), false);
  const savedClientId = await clientId.inputValue();
  await clientId.fill(`${savedClientId}-new`);
  await providerChange.waitFor();
  await clientId.fill(savedClientId);
  await providerChange.waitFor({ state: 'hidden' });
  await page.locator('#remove-sign-in').click();
  const dialog = page.locator('dialog', { hasText: 'Remove Entra ID sign-in?' });
  await dialog.waitFor();
  await dialog.locator('button', { hasText: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  const me = await page.evaluate(async () => (await fetch('/admin/api/me')).status);
  assert.equal(me, 200, 'cancelled: still signed in with Entra ID');

  await page.locator('#sign-out').click();
  await page.waitForURL(`${base}/admin/login?signedout=1`);
  await page.locator('p.note', { hasText: 'You are signed out.' }).waitFor();
  const after = await page.goto(`${base}/admin/api/me`);
  assert.equal(after?.status(), 401, 'the session ended on the server');

  const viewer = await freshPage(browser, errors);
  await signInAs(viewer, base, 'vera');
  await viewer.locator('.role-notice', { hasText: 'changes on this page need the operator role' }).waitFor();
  await open(viewer, 'access', 'Access');
  assert.equal(await viewer.locator('#tokens').count(), 0, 'a viewer is not offered tokens');
  assert.equal(await viewer.locator('#save-sign-in').isDisabled(), true);
  assert.deepEqual(errors, []);
});
