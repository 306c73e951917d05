/** What an apply came to, from the admin API's answer to the PUT. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../admin/ui/js/api.js';
import { appliedOutcome, failedOutcome } from '../../admin/ui/js/apply-outcome.js';

test('applied: the steps, the warnings, and whether anything changed', () => {
  assert.deepEqual(
    appliedOutcome({
      steps: [{ name: 'validate', ok: true, ms: 3 }],
      warnings: [{ path: '/server/caddy', message: 'no e-mail' }],
      unchanged: false,
    }),
    {
      kind: 'applied',
      steps: [{ name: 'validate', ok: true, ms: 3 }],
      warnings: [{ path: '/server/caddy', message: 'no e-mail' }],
      unchanged: false,
    },
  );
  assert.deepEqual(appliedOutcome(undefined), { kind: 'applied', steps: [], warnings: [], unchanged: false });
});

test('a 400 with issues is invalid, each issue once', () => {
  const issue = { path: '/models/1/id', message: 'duplicate model id' };
  const err = new ApiError(400, 'the config is invalid', 'invalid_config', {
    issues: [issue, issue, { path: '/models/1/upstream', message: 'unknown upstream' }],
  });
  assert.deepEqual(failedOutcome(err), {
    kind: 'invalid',
    issues: [issue, { path: '/models/1/upstream', message: 'unknown upstream' }],
    message: 'the config is invalid',
  });
});

test('a 412 is a conflict', () => {
  assert.deepEqual(failedOutcome(new ApiError(412, 'the config changed', 'precondition_failed', {})), {
    kind: 'conflict',
    message: 'the config changed',
  });
});

test('a failed apply keeps its steps, whether the rollback completed, and the hint', () => {
  const steps = [
    { name: 'caddy_load', ok: false, ms: 40, detail: 'listen tcp :443: bind: address already in use' },
    { name: 'restore_files', ok: true, ms: 2 },
  ];
  const err = new ApiError(502, 'Caddy refused the config', 'apply_failed', {
    steps,
    rolledBack: true,
    hint: 'Free port 443',
  });
  assert.deepEqual(failedOutcome(err), {
    kind: 'failed',
    message: 'Caddy refused the config',
    steps,
    rolledBack: true,
    hint: 'Free port 443',
  });
  const bare = failedOutcome(new ApiError(500, 'boom', null, { steps: [{ name: 'validate', ok: false, ms: 1 }] }));
  assert.deepEqual(bare, {
    kind: 'failed',
    message: 'boom',
    steps: [{ name: 'validate', ok: false, ms: 1 }],
    rolledBack: undefined,
  });
});

test('anything else is an error with its status (0: not from the API)', () => {
  assert.deepEqual(failedOutcome(new ApiError(503, 'unavailable', null, {})), {
    kind: 'error',
    message: 'unavailable',
    status: 503,
  });
  assert.deepEqual(failedOutcome(new ApiError(400, 'bad json', 'bad_request', {})), {
    kind: 'error',
    message: 'bad json',
    status: 400,
  });
  assert.deepEqual(failedOutcome(new TypeError('Failed to fetch')), {
    kind: 'error',
    message: 'Failed to fetch',
    status: 0,
  });
});
