/**
 * A key's form and its request bodies: a new key sends only what is set (tags split, the local
 * expiry as ISO 8601 UTC), an edit sends only what changed with null for a cleared field, a listed
 * key fills the form back, and a bad id or expiry is named by its field before anything is sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLang } from '../../admin/ui/js/i18n.js';
import {
  expiryInput,
  expiryIso,
  keyEditBody,
  keyValues,
  newKeyBody,
  tagList,
} from '../../admin/ui/js/pages/keys/key-body.js';

setLang('en');

const listed = {
  id: 'alice',
  status: 'active',
  label: 'Alice',
  team: 'research',
  owner: 'alice@example.com',
  tags: ['batch', 'eu'],
  expiresAt: '2027-06-30T12:00:00Z',
  limits: { requestsPerMinute: 60 },
  budget: { amount: 100, period: 'day' },
  lastUsed: null,
  usage: { spendThisMonth: 1 },
};

test('the expiry is typed in local time and sent in UTC', () => {
  const local = expiryInput('2027-06-30T12:00:00Z');
  const d = new Date('2027-06-30T12:00:00Z');
  const pad = (n: number) => String(n).padStart(2, '0');
  assert.equal(
    local,
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`,
  );
  assert.equal(expiryIso(local), '2027-06-30T12:00:00Z');
  assert.equal(expiryIso('2027-06-30'), undefined);
  assert.equal(expiryInput(undefined), '');
  assert.equal(expiryInput('soon'), '');
});

test('tags: split on commas, trimmed, without empties or repeats', () => {
  assert.deepEqual(tagList(' batch, eu ,,batch，cn '), ['batch', 'eu', 'cn']);
  assert.deepEqual(tagList(''), []);
});

test('a new key sends only what is set', () => {
  const blank = keyValues({});
  assert.deepEqual(newKeyBody(blank), { body: {}, problems: [] });
  const { body, problems } = newKeyBody({
    ...blank,
    id: ' bob ',
    label: 'Bob',
    team: 'research',
    tags: 'a, b',
    models: ['gpt-4o-mini'],
    expires: expiryInput('2030-01-01T08:30:00Z'),
    limits: { ...blank.limits, tokensPerMinute: '60000' },
    budgetAmount: '25',
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(body, {
    id: 'bob',
    label: 'Bob',
    models: ['gpt-4o-mini'],
    team: 'research',
    tags: ['a', 'b'],
    expiresAt: '2030-01-01T08:30:00Z',
    limits: { tokensPerMinute: 60000 },
    budget: { amount: 25, period: 'month' },
  });
});

test('an id or expiry that cannot be sent is named by its field', () => {
  const blank = keyValues({});
  assert.deepEqual(newKeyBody({ ...blank, id: 'has space', expires: 'tomorrow' }).problems, [
    { path: '/id', message: 'The id may contain only letters, digits and . _ : @ -' },
    { path: '/expiresAt', message: 'Enter a date and a time.' },
  ]);
});

test('an edit sends what changed, null for what was cleared, nothing when nothing changed', () => {
  const values = keyValues(listed);
  assert.equal(values.tags, 'batch, eu');
  assert.deepEqual(keyEditBody(listed, values), { body: {}, problems: [] });
  const { body } = keyEditBody(listed, {
    ...values,
    owner: '',
    team: '',
    tags: 'batch',
    limits: { ...values.limits, requestsPerMinute: '120', tokensPerDay: '1000' },
  });
  assert.deepEqual(body, {
    team: null,
    owner: null,
    tags: ['batch'],
    limits: { requestsPerMinute: 120, tokensPerDay: 1000 },
  });
  const cleared = keyEditBody(listed, {
    ...values,
    limits: { ...values.limits, requestsPerMinute: '' },
    budgetAmount: '',
    expires: '',
  });
  assert.deepEqual(cleared.body, { expiresAt: null, limits: null, budget: null });
});
