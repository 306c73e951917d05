/**
 * Values are checked against the config schema as they are typed, and the whole draft before
 * the review's apply button is enabled; the messages are in the UI's language.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../common/config/schema.js';
import { setLang } from '../../admin/ui/js/i18n.js';
import { check, checkDeep } from '../../admin/ui/js/schema-check.js';
import { schemaAt, type Schema } from '../../admin/ui/js/schema.js';

const schema = JSON.parse(JSON.stringify(ConfigSchema)) as Schema;
const at = (path: string) => schemaAt(schema, path);

test('one value against its field: type, bounds, pattern, choices, items', () => {
  setLang('en');
  assert.deepEqual(check(at('/server/upstream/maxRetries'), 2), []);
  assert.deepEqual(check(at('/server/upstream/maxRetries'), 2.5), ['Must be a whole number']);
  assert.deepEqual(check(at('/server/upstream/maxRetries'), 11), ['Must be at most 10']);
  assert.deepEqual(check(at('/server/imageCompression/quality'), 0), ['Must be greater than 0']);
  assert.deepEqual(check(at('/server/caddy/domains/0'), 'bad domain!'), [
    'Has characters or a form that is not allowed here',
  ]);
  assert.deepEqual(check(at('/upstreams/0/name'), ''), ['Required']);
  assert.deepEqual(check(at('/auth/mode'), 'password'), [
    'Must be one of: defaultAzureCredential, managedIdentity, servicePrincipal, apiKey, none',
  ]);
  assert.deepEqual(check(at('/server/upstream/retryStatuses'), [429, 700]), ['#2: Must be at most 599']);
  assert.deepEqual(check(at('/models/0/targets'), []), ['Needs at least 1 items']);
  assert.deepEqual(check(at('/server/upstream/maxRetries'), undefined), [], 'unset: the default applies');
  assert.deepEqual(check(undefined, 'anything'), []);
});

test('the messages follow the language', () => {
  setLang('zh-CN');
  assert.deepEqual(check(at('/server/upstream/maxRetries'), -1), ['不能小于 0']);
  setLang('en');
});

test('the whole draft: every problem with its pointer, required fields without defaults included', () => {
  setLang('en');
  const draft = {
    upstreams: [{ name: 'ok', baseUrl: 'https://x.example' }, { baseUrl: 'ftp://x' }],
    models: [{ id: 'a b', streamUsage: 'yes' }],
    server: { caddy: { domains: Array.from({ length: 51 }, (_, i) => `d${i}.example`) } },
  };
  assert.deepEqual(checkDeep(schema, draft), [
    { path: '/upstreams/1/name', message: 'Required' },
    {
      path: '/upstreams/1/baseUrl',
      message: 'Must be an http:// or https:// address without spaces, quotes, braces or backslashes',
    },
    { path: '/models/0/id', message: 'Has characters or a form that is not allowed here' },
    { path: '/models/0/streamUsage', message: 'Must be a boolean' },
    { path: '/server/caddy/domains', message: 'Allows at most 50 items' },
  ]);
});
