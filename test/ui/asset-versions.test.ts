/**
 * The UI's files under a build version: index.html (revalidated every time) points at
 * /admin/build/<version>/, where every file may be kept by the browser for a year; a rebuild
 * gives new URLs, and the old version is no longer served, so a kept file is never stale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UI_CSP } from '../../admin/routes/ui.js';
import { uiApp } from '../harness/ui-app.js';

const INDEX =
  '<link rel="stylesheet" href="/admin/assets/app.css"><script type="module" src="/admin/assets/js/main.js"></script>';

test('index.html names the build; its files are immutable under that name; a rebuild moves them', async (t) => {
  const { app, dir } = await uiApp(t, {
    'index.html': INDEX,
    'app.css': 'body{}',
    'js/main.js': "import './dom.js';",
    'js/dom.js': 'export {};',
  });
  const page = await app.inject({ method: 'GET', url: '/admin/keys' });
  assert.equal(page.statusCode, 200);
  assert.equal(page.headers['cache-control'], 'no-cache');
  const m = /href="\/admin\/build\/([0-9a-f]{16})\/app\.css".*src="\/admin\/build\/\1\/js\/main\.js"/.exec(page.body);
  assert.ok(m, page.body);
  const version = m[1]!;

  const script = await app.inject({ method: 'GET', url: `/admin/build/${version}/js/dom.js` });
  assert.equal(script.statusCode, 200);
  assert.equal(script.body, 'export {};');
  assert.equal(script.headers['content-type'], 'text/javascript; charset=utf-8');
  assert.equal(script.headers['cache-control'], 'private, max-age=31536000, immutable');
  assert.equal(script.headers['content-security-policy'], UI_CSP);
  assert.equal(script.headers['x-content-type-options'], 'nosniff');
  for (const url of [
    `/admin/build/${version}/js/missing.js`,
    `/admin/build/${version}/js%2f..%2fapp.css`,
    '/admin/build/0123456789abcdef/app.css',
  ]) {
    assert.equal((await app.inject({ method: 'GET', url })).statusCode, 404, url);
  }
  // The fixed names still answer, revalidated each time.
  assert.equal(
    (await app.inject({ method: 'GET', url: '/admin/assets/app.css' })).headers['cache-control'],
    'no-cache',
  );

  // A rebuild: one file changes (its time too, as a build writes it).
  await writeFile(path.join(dir, 'js/dom.js'), 'export const changed = 1;');
  await utimes(path.join(dir, 'js/dom.js'), new Date(), new Date(Date.now() + 5_000));
  const again = await app.inject({ method: 'GET', url: '/admin/' });
  const next = /\/admin\/build\/([0-9a-f]{16})\//.exec(again.body)?.[1];
  assert.ok(next && next !== version, 'a new version');
  assert.equal(
    (await app.inject({ method: 'GET', url: `/admin/build/${next}/js/dom.js` })).body,
    'export const changed = 1;',
  );
  assert.equal(
    (await app.inject({ method: 'GET', url: `/admin/build/${version}/js/dom.js` })).statusCode,
    404,
    'the old version is gone',
  );
});
