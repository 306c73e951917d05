/**
 * The forms read the config schema the server validates with (GET /admin/api/schema, here the
 * same ConfigSchema as JSON): the sub-schema of a pointer through properties, records (pattern
 * properties) and arrays, the allowed values of a union of literals, required and defaults.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigSchema } from '../../common/config/schema.js';
import { defaultAt, isRequired, literals, schemaAt, type Schema } from '../../admin/ui/js/schema.js';

// What the browser gets: the schema as JSON (TypeBox's symbols do not survive).
const schema = JSON.parse(JSON.stringify(ConfigSchema)) as Schema;

test('pointers reach fields through properties, records and arrays', () => {
  assert.equal(schemaAt(schema, '/server/upstream/maxRetries')?.type, 'integer');
  assert.equal(schemaAt(schema, '/models/3/targets/0/weight')?.maximum, 1000);
  assert.equal(schemaAt(schema, '/upstreams/0/routes/chat~1completions')?.maxLength, 512);
  assert.equal(schemaAt(schema, '/models/0/routes/*')?.maxLength, 512);
  assert.equal(schemaAt(schema, '/models/0/routes/nope'), undefined);
  assert.equal(schemaAt(schema, '/server/nope/deeper'), undefined);
  assert.equal(schemaAt(schema, ''), schema);
});

test('a union of literals is a list of choices, with its default', () => {
  assert.deepEqual(literals(schemaAt(schema, '/auth/mode')), [
    'defaultAzureCredential',
    'managedIdentity',
    'servicePrincipal',
    'apiKey',
    'none',
  ]);
  assert.deepEqual(literals(schemaAt(schema, '/server/imageCompression/format')), ['jpeg', 'webp', 'png', 'auto']);
  assert.equal(literals(schemaAt(schema, '/server/imageCompression/quality')), undefined);
  assert.equal(literals(undefined), undefined);
  assert.deepEqual(literals({ enum: ['a', 1, null] }), ['a', 1]);
  assert.equal(defaultAt(schema, '/server/imageCompression/format'), 'jpeg');
  assert.equal(defaultAt(schema, '/server/upstream/connectTimeoutMs'), 10_000);
  assert.equal(defaultAt(schema, '/server/caddy/email'), undefined);
});

test('required means listed as required and without a default', () => {
  assert.equal(isRequired(schema, '/upstreams/0/name'), true);
  assert.equal(isRequired(schema, '/models/1/id'), true);
  assert.equal(isRequired(schema, '/models/1/streamUsage'), false, 'required, but has a default');
  assert.equal(isRequired(schema, '/models/1/upstream'), false, 'optional');
  assert.equal(isRequired(schema, ''), false);
});
