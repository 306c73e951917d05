/**
 * The admin UI's static route (content types, security headers, caching, the SPA fallback, no
 * path escapes, unknown API paths still JSON 404) and the completeness of its two languages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UI_CSP } from '../../admin/routes/ui.js';
import { uiApp } from '../harness/ui-app.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

test('the SPA and its assets are served with types, security headers and revalidation', async (t) => {
  const { app } = await uiApp(t, {
    'index.html': '<!doctype html><title>x</title>',
    'app.css': 'body{}',
    'js/main.js': 'export {};',
    'logo.svg': '<svg/>',
  });
  for (const url of ['/admin', '/admin/', '/admin/usage', '/admin/models?x=1']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.body, '<!doctype html><title>x</title>');
    assert.equal(res.headers['content-security-policy'], UI_CSP);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'DENY');
    assert.equal(res.headers['cache-control'], 'no-cache');
  }
  assert.doesNotMatch(UI_CSP, /unsafe-inline|unsafe-eval|https?:/);
  const types: Record<string, string> = {
    '/admin/assets/app.css': 'text/css; charset=utf-8',
    '/admin/assets/js/main.js': 'text/javascript; charset=utf-8',
    '/admin/assets/logo.svg': 'image/svg+xml',
  };
  for (const [url, type] of Object.entries(types)) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.headers['content-type'], type);
    const etag = String(res.headers.etag);
    const again = await app.inject({ method: 'GET', url, headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304, `${url} revalidates by ETag`);
  }
  const version = await app.inject({ method: 'GET', url: '/admin/api/version' });
  assert.equal(version.json<{ version: string }>().version, '9.9.9');
});

test('no path leaves the UI folder, and unknown API paths stay JSON 404s', async (t) => {
  const { app } = await uiApp(t, { 'index.html': 'spa' });
  for (const url of [
    '/admin/assets/../../etc/passwd',
    '/admin/assets/%2e%2e/%2e%2e/etc/passwd',
    '/admin/assets/.env',
    '/admin/assets/missing.js',
    '/admin/assets/..%2f..%2fpackage.json',
    '/admin/assets/js%2f..%2f..%2f..%2fpackage.json',
  ]) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.match(String(res.headers['content-type']), /^application\/json/, url);
  }
  for (const url of ['/admin/api', '/admin/api/nope', '/admin/api/config/extra']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 404, url);
    assert.equal(res.json<{ error: { code: string } }>().error.code, 'not_found');
  }
  assert.equal((await app.inject({ method: 'GET', url: '/admin/api/config' })).json<{ ok: boolean }>().ok, true);
});

test('without a built UI the page says how to build it', async (t) => {
  const { app } = await uiApp(t, {});
  const res = await app.inject({ method: 'GET', url: '/admin/' });
  assert.equal(res.statusCode, 503);
  assert.match(res.body, /npm run build/);
});

test('English and Simplified Chinese are complete and keep the same placeholders', async () => {
  const dir = path.join(ROOT, 'dist/admin/ui/js');
  const load = async (file: string, name: string): Promise<Record<string, string>> => {
    const mod = (await import(pathToFileURL(path.join(dir, file)).href).catch(() => {
      throw new Error('the admin UI is not built: run `npm run build`');
    })) as Record<string, unknown>;
    return mod[name] as Record<string, string>;
  };
  const en = await load('i18n-en.js', 'en');
  const zh = await load('i18n-zh.js', 'zh');
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
  const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [key, text] of Object.entries(en)) {
    const other = zh[key] ?? '';
    assert.ok(text.trim() && other.trim(), `${key} is not empty`);
    assert.deepEqual(placeholders(other), placeholders(text), `${key} keeps its placeholders`);
  }
  // Texts that are names or codes may be the same; real sentences must be translated.
  const untranslated = Object.keys(en).filter((k) => en[k] === zh[k] && /[a-z]{3,} [a-z]{3,}/.test(en[k] ?? ''));
  assert.deepEqual(untranslated, []);
});
