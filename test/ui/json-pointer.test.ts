/** JSON pointers into the draft (RFC 6901): escaping, reading, and writing that creates what is missing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getAt, pointer, pointerSegments, setAt } from '../../admin/ui/js/json-pointer.js';

test('segments are escaped and unescaped (~0 for ~, ~1 for /)', () => {
  assert.equal(pointer('models', 0, 'routes', 'chat/completions'), '/models/0/routes/chat~1completions');
  assert.equal(pointer('a~b'), '/a~0b');
  assert.deepEqual(pointerSegments('/models/0/routes/chat~1completions'), [
    'models',
    '0',
    'routes',
    'chat/completions',
  ]);
  assert.deepEqual(pointerSegments('/a~0b'), ['a~b']);
  assert.deepEqual(pointerSegments(''), []);
  assert.deepEqual(pointerSegments('/'), []);
});

test('reading follows objects and arrays, and stops at anything else', () => {
  const doc = { models: [{ id: 'a', routes: { 'chat/completions': 'responses' } }] };
  assert.equal(getAt(doc, '/models/0/id'), 'a');
  assert.equal(getAt(doc, '/models/0/routes/chat~1completions'), 'responses');
  assert.equal(getAt(doc, '/models/0/id/length'), undefined);
  assert.equal(getAt(doc, '/models/3/id'), undefined);
  assert.equal(getAt(doc, ''), doc);
});

test('writing creates objects and arrays on the way; undefined deletes a key or an array item', () => {
  const doc: Record<string, unknown> = {};
  setAt(doc, '/server/caddy/domains/0', 'a.example');
  setAt(doc, '/server/caddy/domains/1', 'b.example');
  assert.deepEqual(doc, { server: { caddy: { domains: ['a.example', 'b.example'] } } });
  setAt(doc, '/server/caddy/domains/0', undefined);
  assert.deepEqual(doc, { server: { caddy: { domains: ['b.example'] } } });
  setAt(doc, '/server/caddy', undefined);
  assert.deepEqual(doc, { server: {} });
  setAt(doc, '', 'ignored');
  assert.deepEqual(doc, { server: {} });
});
