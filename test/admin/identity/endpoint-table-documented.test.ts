/** docs/admin-api.md lists every endpoint of the table with its role, and nothing else. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { ENDPOINT_ROLES } from '../../../admin/identity/endpoint-roles.js';
import { REPO_ROOT } from '../../harness/paths.js';

test('the roles table of docs/admin-api.md is the endpoint table', async () => {
  const doc = await readFile(path.join(REPO_ROOT, 'docs/admin-api.md'), 'utf8');
  const section = doc.split('## Roles per endpoint')[1]?.split('\n## ')[0] ?? '';
  const rows = [...section.matchAll(/^\| `([A-Z]+ [^`]+)` \| (\w+) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(rows), ENDPOINT_ROLES);
  assert.equal(rows.length, Object.keys(ENDPOINT_ROLES).length);
});
