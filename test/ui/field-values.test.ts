/**
 * What a form field stores for what is typed or chosen: an empty input means "use the default"
 * (the key is deleted) unless the field is required, numbers and lists are parsed, a stored
 * secret stays stored while its input is empty, and a select shows a value it does not know.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLang } from '../../admin/ui/js/i18n.js';
import { MASK } from '../../admin/ui/js/secrets.js';
import {
  defaultNote,
  defaultPlaceholder,
  numberValue,
  passwordProblems,
  secretValue,
  selectShown,
  selectValue,
  statusListValue,
  textValue,
} from '../../admin/ui/js/form/field-values.js';

test('text: empty deletes the key, unless required or asked to keep it', () => {
  assert.equal(textValue('', false), undefined);
  assert.equal(textValue('', true), '');
  assert.equal(textValue('', false, 'keep'), '');
  assert.equal(textValue('', true, 'delete'), undefined);
  assert.equal(textValue(' x ', false), ' x ');
});

test('numbers: empty is unset, text the browser could not read is invalid', () => {
  assert.deepEqual(numberValue('', false), { kind: 'unset' });
  assert.deepEqual(numberValue('  ', false), { kind: 'unset' });
  assert.deepEqual(numberValue('', true), { kind: 'invalid' });
  assert.deepEqual(numberValue(' 42 ', false), { kind: 'number', value: 42 });
  assert.deepEqual(numberValue('0.85', false), { kind: 'number', value: 0.85 });
  assert.deepEqual(numberValue('1e400', false), { kind: 'invalid' });
});

test('retry statuses: commas or spaces between whole numbers', () => {
  assert.deepEqual(statusListValue(''), { kind: 'unset' });
  assert.deepEqual(statusListValue('429, 500  503,'), { kind: 'list', value: [429, 500, 503] });
  assert.deepEqual(statusListValue('429, 5xx'), { kind: 'invalid' });
  assert.deepEqual(statusListValue('429.5'), { kind: 'invalid' });
});

test('secrets: typing replaces, emptying keeps the stored one (or sets none)', () => {
  assert.equal(secretValue('sk-new', true), 'sk-new');
  assert.equal(secretValue('', true), MASK);
  assert.equal(secretValue('', false), undefined);
});

test('selects: the stored value, else the default, else unset or the first choice; unknown values stay', () => {
  const choices = [
    { value: 'u1', label: 'u1' },
    { value: 'u2', label: 'u2' },
  ];
  assert.deepEqual(selectShown(choices, 'u2', undefined, false), { value: 'u2' });
  assert.deepEqual(selectShown(choices, 'gone', undefined, false), { value: 'gone', extra: 'gone' });
  assert.deepEqual(selectShown(choices, undefined, 'u2', false), { value: 'u2' });
  assert.deepEqual(selectShown(choices, undefined, undefined, false), { value: 'u1' });
  assert.deepEqual(selectShown(choices, undefined, 'u2', true), { value: '' });
  assert.deepEqual(selectShown([], undefined, undefined, false), { value: '' });
  assert.equal(selectValue('', true), undefined);
  assert.equal(selectValue('', false), '');
  assert.equal(selectValue('u1', true), 'u1');
});

test('the schema default as a placeholder and as a note (milliseconds also readable)', () => {
  setLang('en');
  assert.equal(defaultPlaceholder('admin'), 'Default: admin');
  assert.equal(defaultPlaceholder(800), 'Default: 800');
  assert.equal(defaultPlaceholder({}), undefined);
  assert.equal(defaultPlaceholder(undefined), undefined);
  assert.equal(defaultNote(300_000, 'ms'), 'Default: 300000 ms (5 min)');
  assert.equal(defaultNote(800, 'ms'), 'Default: 800 ms');
  assert.equal(defaultNote(1600, 'px'), 'Default: 1600 px');
  assert.equal(defaultNote(5), 'Default: 5');
  assert.equal(defaultNote('jpeg'), undefined);
});

test('a new admin password needs 12 characters; empty keeps the current one', () => {
  setLang('en');
  assert.deepEqual(passwordProblems(''), []);
  assert.deepEqual(passwordProblems('short'), ['Use at least 12 characters.']);
  assert.deepEqual(passwordProblems('long enough pass'), []);
});
