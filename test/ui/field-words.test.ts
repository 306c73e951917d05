/**
 * A config path is named in words as the forms label it, list items by their id or name (or
 * position), in the UI's language; the JSON pointer is never the only name of a field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldPlace } from '../../admin/ui/js/field-words.js';
import { setLang } from '../../admin/ui/js/i18n.js';

const config = {
  upstreams: [{ name: 'east', baseUrl: 'https://x.openai.azure.com' }],
  models: [{ id: 'gpt-4o', targets: [{ upstream: 'east' }, { upstream: 'east', targetModel: 'dep' }] }],
  server: { caddy: { domains: ['a.example'] } },
};

test('paths in words: items by name, fields by their form label', () => {
  setLang('en');
  assert.equal(fieldPlace('/upstreams/0/baseUrl', config), 'Upstream east › Base URL');
  assert.equal(fieldPlace('/models/0/targets/1/targetModel', config), 'Model gpt-4o › Target 2 › Deployment');
  assert.equal(fieldPlace('/upstreams/0/name', config), 'Upstream east › Name');
  assert.equal(fieldPlace('/server/caddy/domains/0', config), 'Settings › Domain & TLS › Domain a.example');
  assert.equal(fieldPlace('', config), '(whole config)');
  assert.equal(fieldPlace('/models/5/unknownThing', config), 'Model 6 › unknownThing');
});

test('paths in words follow the language', () => {
  setLang('zh-CN');
  assert.equal(fieldPlace('/models/0/targets/1/targetModel', config), '模型 gpt-4o › 目标 2 › 部署');
  setLang('en');
});
