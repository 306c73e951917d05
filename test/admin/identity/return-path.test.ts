/** After signing in, the browser returns only to a page of the admin, never to another site. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeReturn } from '../../../admin/routes/sign-in.js';

test('the return path is a page of the admin or /admin/', () => {
  const cases: [unknown, string][] = [
    ['/admin/keys', '/admin/keys'],
    ['/admin', '/admin'],
    ['/admin/usage?from=1', '/admin/usage?from=1'],
    ['//evil.example/admin', '/admin/'],
    ['https://evil.example/admin', '/admin/'],
    ['/admin/\\evil', '/admin/'],
    ['/admin/x\r\nset-cookie: a=b', '/admin/'],
    ['/administrator', '/admin/'],
    [undefined, '/admin/'],
  ];
  assert.deepEqual(
    cases.map(([v]) => safeReturn(v)),
    cases.map(([, want]) => want),
  );
});
