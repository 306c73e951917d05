/**
 * Golden pairs for the four JSON translations (issue 8): each folder in
 * test/translate/golden/<direction>/<case>/ holds an input.json and the exact expected.json (the
 * whole result: translated body and `dropped` list, or the 400 with its message), plus a
 * request.json where the translation echoes the client's request. One loop, like Caddy's
 * caddyfile_adapt_test.go. `UPDATE_GOLDEN=1` rewrites the expected files — review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chatRequestToResponses } from '../../proxy/translate/chat-to-responses-request.js';
import { chatCompletionToResponse } from '../../proxy/translate/chat-to-responses-response.js';
import { responsesRequestToChat } from '../../proxy/translate/responses-to-chat-request.js';
import { responsesResponseToChat } from '../../proxy/translate/responses-to-chat-response.js';

const ROOT = fileURLToPath(new URL('../../../test/translate/golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

type Json = Record<string, unknown>;

/** What each direction folder runs: input (and request.json, when present) → result. */
const DIRECTIONS: Record<string, (input: Json, request: Json | undefined) => unknown> = {
  'chat-request': (input) => chatRequestToResponses(input),
  'responses-request': (input) => responsesRequestToChat(input),
  'responses-response': (input) => responsesResponseToChat(input),
  'chat-response': (input, request) => chatCompletionToResponse(input, request ?? {}),
};

async function readJson(file: string): Promise<Json> {
  return JSON.parse(await readFile(file, 'utf8')) as Json;
}

async function casesOf(direction: string): Promise<string[]> {
  const dir = path.join(ROOT, direction);
  return (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
}

test('every direction has golden cases, and rejections among the request cases', async () => {
  for (const direction of Object.keys(DIRECTIONS)) {
    const cases = await casesOf(direction);
    assert.ok(cases.length >= 5, `${direction}: only ${cases.length} cases`);
    if (direction.endsWith('-request'))
      assert.ok(cases.filter((c) => c.startsWith('reject-')).length >= 5, `${direction}: too few rejections`);
  }
});

for (const [direction, run] of Object.entries(DIRECTIONS)) {
  for (const name of await casesOf(direction)) {
    test(`golden ${direction}/${name}`, async () => {
      const dir = path.join(ROOT, direction, name);
      const requestFile = path.join(dir, 'request.json');
      const request = existsSync(requestFile) ? await readJson(requestFile) : undefined;
      const actual = run(await readJson(path.join(dir, 'input.json')), request);
      const expectedFile = path.join(dir, 'expected.json');
      if (UPDATE) await writeFile(expectedFile, `${JSON.stringify(actual, null, 2)}\n`);
      assert.deepEqual(actual, await readJson(expectedFile));
      // A case named reject-* must be a 400; any other request case must translate.
      if (direction.endsWith('-request')) assert.equal((actual as { ok: boolean }).ok, !name.startsWith('reject-'));
    });
  }
}
