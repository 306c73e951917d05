/**
 * A team's form and its request bodies: a new team needs an id the schema allows and sends what is
 * set; an edit sends only what changed, with null for a cleared field.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLang } from '../../admin/ui/js/i18n.js';
import { newTeamBody, teamEditBody, teamValues } from '../../admin/ui/js/pages/teams/team-body.js';

setLang('en');

test('a new team: its id and the fields that are set', () => {
  const blank = teamValues({});
  assert.deepEqual(
    newTeamBody({ ...blank, id: ' research ', label: 'Research', budgetAmount: '2000', budgetAlerts: '50' }),
    {
      body: { id: 'research', label: 'Research', budget: { amount: 2000, period: 'month', alertAt: [0.5] } },
      problems: [],
    },
  );
  assert.deepEqual(newTeamBody(blank).problems, [{ path: '/id', message: 'Enter an id.' }]);
  assert.deepEqual(newTeamBody({ ...blank, id: 'r&d' }).problems, [
    { path: '/id', message: 'The id may contain only letters, digits and . _ : @ -' },
  ]);
});

test('an edit: what changed, null for what was cleared', () => {
  const listed = { id: 'research', label: 'Research', limits: { requestsPerMinute: 600 }, keys: ['alice'], usage: {} };
  const values = teamValues(listed);
  assert.equal(values.limits.requestsPerMinute, '600');
  assert.deepEqual(teamEditBody(listed, values), { body: {}, problems: [] });
  assert.deepEqual(teamEditBody(listed, { ...values, label: '', budgetAmount: '10', budgetPeriod: 'day' }).body, {
    label: null,
    budget: { amount: 10, period: 'day' },
  });
});
