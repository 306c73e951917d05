/**
 * The audit log as the Audit page shows it: each entry narrowed (the id a creation gave as its
 * target), the changed settings as path, kind and before → after text (secrets arrive masked),
 * changes beyond those listed counted, actions and chain breaks in words.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLang } from '../../admin/ui/js/i18n.js';
import {
  actionText,
  auditLog,
  changeLines,
  outcomeTone,
  reasonText,
} from '../../admin/ui/js/pages/audit/audit-entry.js';

setLang('en');

test('changes: added, removed, changed, values as one line of text', () => {
  assert.deepEqual(
    changeLines({
      changes: [
        { path: '/apiKeys[bob]', after: { id: 'bob', keyHash: '********' } },
        { path: '/apiKeys[alice]/owner', before: 'alice@example.com' },
        { path: '/apiKeys[alice]/limits/requestsPerMinute', before: 60, after: 120 },
        { path: '/teams[r]/budget/alertAt', before: [0.5], after: null },
      ],
    }),
    [
      { path: '/apiKeys[bob]', kind: 'added', before: '', after: '{"id":"bob","keyHash":"********"}' },
      { path: '/apiKeys[alice]/owner', kind: 'removed', before: 'alice@example.com', after: '' },
      { path: '/apiKeys[alice]/limits/requestsPerMinute', kind: 'changed', before: '60', after: '120' },
      { path: '/teams[r]/budget/alertAt', kind: 'changed', before: '[0.5]', after: 'null' },
    ],
  );
  assert.deepEqual(changeLines(undefined), []);
});

test('the log: entries narrowed, a creation targets the id it made, the rest counted', () => {
  const log = auditLog({
    entries: [
      {
        seq: 3,
        at: '2026-05-01T10:00:00.000Z',
        actor: 'ops',
        ip: '127.0.0.1',
        action: 'key.create',
        outcome: 201,
        details: { keyId: 'key-1a2b', changes: [{ path: '/apiKeys[key-1a2b]', after: {} }], changeCount: 3 },
      },
      {
        seq: 2,
        at: '2026-05-01T09:00:00.000Z',
        actor: 'ops',
        ip: '::1',
        action: 'key.rotate',
        target: 'alice',
        outcome: 200,
        details: { graceSeconds: 3600, previousSecretValidUntil: null },
      },
      'junk',
    ],
    chain: {
      intact: false,
      entries: 3,
      brokenAt: 2,
      reason: 'its content does not match its hash (the line was edited)',
      lastHash: 'x',
    },
  });
  assert.equal(log.entries.length, 2);
  assert.equal(log.entries[0]?.target, 'key-1a2b');
  assert.equal(log.entries[0]?.moreChanges, 2);
  assert.deepEqual(log.entries[0]?.facts, []);
  assert.deepEqual(log.entries[1]?.facts, [
    ['graceSeconds', '3600'],
    ['previousSecretValidUntil', '—'],
  ]);
  assert.deepEqual(log.chain, {
    intact: false,
    entries: 3,
    brokenAt: 2,
    reason: 'its content does not match its hash (the line was edited)',
  });
  assert.deepEqual(auditLog(null), { entries: [], chain: { intact: false, entries: 0 } });
});

test('actions, chain breaks and outcomes in words', (t) => {
  t.after(() => setLang('en'));
  assert.equal(actionText('key.rotate'), 'Key rotated');
  assert.equal(actionText('login.failed'), 'Failed sign-in');
  assert.equal(actionText('something.new'), 'something.new');
  assert.equal(
    reasonText('it does not follow the entry before it (a line was removed, inserted or reordered)'),
    'It does not follow the entry before it: a line was removed, inserted or reordered.',
  );
  assert.equal(reasonText('a reason from a newer server'), 'a reason from a newer server');
  assert.equal(outcomeTone(201), 'ok');
  assert.equal(outcomeTone(401), 'error');
  setLang('zh-CN');
  assert.equal(actionText('team.delete'), '删除团队');
  assert.equal(
    reasonText('its content does not match its hash (the line was edited)'),
    '其内容与哈希不符：该行被修改过。',
  );
});
