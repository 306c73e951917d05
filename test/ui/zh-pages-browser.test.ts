/**
 * Every page of the admin UI in Chinese, in Chromium: no visible text is left in English. Words
 * from the config itself (model ids, upstream names, URLs), text in code, and a short list of
 * proper nouns and technical names (Azure, Caddy, API, …) are allowed; anything else fails, named
 * with its page, so a string added without its translation is caught.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, ADMIN_USER, startAdminStack } from '../harness/admin-stack.js';
import { assertUiBuilt, loggedInPage, shot, startBrowser, until } from '../harness/browser.js';
import { CLIENT_KEY, HELLO } from '../harness/proxy-harness.js';

const PAGES = ['', 'usage', 'models', 'keys', 'teams', 'domain', 'logs', 'audit', 'playground', 'settings'];

// Names that stay as they are in a Chinese UI: products, protocols, formats, HTTP words.
const PROPER = new Set(
  (
    'Azure OpenAI Foundry Caddy Entra DNS ACME HTTP HTTPS TLS ALPN API JSON SSE SDK URL URI CSV UTC ' +
    "Node.js Node ID IDs PEM SHA CA Let’s Let's Encrypt ZeroSSL pebble xcaddy GitHub github Chromium " +
    'Bearer Basic Managed Identity OAuth OIDC Realtime WebSocket GPT gpt tiktoken JPEG PNG WebP KB MB GB ' +
    'max min p50 p95 p99 xx 2xx 4xx 5xx localhost admin www sk-gw openai azure com net org io ' +
    // Units and codes: milliseconds, pixels, mebibytes, currencies (ISO 4217 and Intl's "US$").
    'ms px MiB KiB USD US EUR providers ratelimit remaining ' +
    // API, header and file names as clients and Azure spell them.
    'AI sk Chat Completions Responses Staging TCP Ctrl Enter scrypt metrics auto x-ratelimit-remaining example'
  ).split(/\s+/),
);

function wordsOf(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') for (const w of value.match(/[A-Za-z][A-Za-z0-9'’._-]*/g) ?? []) out.add(w);
  else if (Array.isArray(value)) for (const v of value) wordsOf(v, out);
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) wordsOf([k, v], out);
  return out;
}

// Visible text outside code, inputs and options, as one string per text node.
const VISIBLE_TEXT = `(() => {
  const skip = 'code, pre, kbd, samp, textarea, option, script, style, [translate="no"]';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest(skip) || !el.checkVisibility() || !n.textContent.trim()) continue;
    out.push(n.textContent.trim());
  }
  return out;
})()`;

test('every page in Chinese shows no untranslated English', { timeout: 150_000 }, async (t) => {
  await assertUiBuilt();
  const stack = await startAdminStack(t, { caddy: true });
  await stack.harness.sdk(CLIENT_KEY).chat.completions.create(HELLO);
  const allowed = new Set(
    [...wordsOf((await stack.currentConfig()).config, new Set(PROPER))].map((w) => w.toLowerCase()),
  );
  const browser = await startBrowser(t);
  const errors: string[] = [];
  const page = await loggedInPage(browser, ADMIN_USER, ADMIN_PASSWORD, errors);
  const base = `https://localhost:${stack.ports.httpsPort}/admin/`;
  await page.goto(base);
  await page.locator('#lang').selectOption('zh-CN');
  await page.locator('h1#page-title', { hasText: '概览' }).waitFor();

  const found: string[] = [];
  for (const name of PAGES) {
    await page.goto(`${base}${name}`);
    await page.locator('h1#page-title').waitFor();
    await until(page, "!document.querySelector('.busy')", 15_000);
    const texts = (await page.evaluate(VISIBLE_TEXT)) as string[];
    for (const text of texts) {
      const stripped = text.replace(/https?:\/\/\S+/g, '').replace(/\S+@\S+/g, '');
      // A token is allowed when it is, or each of its parts (DNS-01, TLS-ALPN-01, dns.providers.azure) is.
      const part = (p: string) => p.length < 2 || /^v?\d/.test(p) || allowed.has(p.toLowerCase());
      const piece = (w: string) => allowed.has(w.toLowerCase()) || w.split(/[-._]+/).every(part);
      const ok = (w: string) => piece(w) || w.split('/').every(piece);
      const english = (stripped.match(/[A-Za-z][A-Za-z0-9'’._/-]*/g) ?? []).filter((w) => !ok(w));
      if (english.length) found.push(`${name || 'overview'}: "${text}"`);
    }
    await shot(page, `zh-${name || 'overview'}`);
  }
  assert.deepEqual(found, []);
  assert.deepEqual(errors, []);
});
