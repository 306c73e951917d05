/** The Domain page's CA choice and what each choice stores in `acme.ca`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caKind, caValue } from '../../admin/ui/js/pages/domain/ca-choice.js';

test('unset is production; anything but the two names is a custom directory', () => {
  assert.equal(caKind(''), 'production');
  assert.equal(caKind('production'), 'production');
  assert.equal(caKind('staging'), 'staging');
  assert.equal(caKind('https://acme.example.com/directory'), 'custom');
});

test('production stays unset unless stored as such; custom stores the typed URL', () => {
  assert.equal(caValue('production', undefined, 'https://x'), undefined);
  assert.equal(caValue('production', 'production', ''), 'production');
  assert.equal(caValue('staging', undefined, 'https://x'), 'staging');
  assert.equal(
    caValue('custom', 'staging', 'https://acme.example.com/directory'),
    'https://acme.example.com/directory',
  );
});
