/**
 * Losslessness: a chat request translated to Responses and back is the same conversation (same
 * roles in the same order, same tool calls and ids, same tool results, same images, same tools),
 * and a Responses request translated to chat and back is the same input. Only spellings that
 * mean the same thing may differ (a string vs one text part), so both sides are normalised first.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chatRequestToResponses } from '../../proxy/translate/chat-to-responses-request.js';
import { responsesRequestToChat } from '../../proxy/translate/responses-to-chat-request.js';

type Json = Record<string, unknown>;

const GOLDEN = fileURLToPath(new URL('../../../test/translate/golden/', import.meta.url));

async function input(path: string): Promise<Json> {
  return JSON.parse(await readFile(`${GOLDEN}${path}/input.json`, 'utf8')) as Json;
}

function ok(result: ReturnType<typeof chatRequestToResponses>): Json {
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

/** Chat messages with text-only part lists as strings, and empty optional fields removed. */
function normalChat(messages: unknown): unknown {
  return (messages as Json[]).map((m) => {
    const out: Json = {};
    for (const [key, value] of Object.entries(m)) {
      if (value === null || (Array.isArray(value) && value.length === 0)) continue;
      const parts = Array.isArray(value) ? (value as Json[]) : undefined;
      out[key] =
        key === 'content' && parts?.every((p) => p.type === 'text') ? parts.map((p) => p.text).join('') : value;
    }
    return out;
  });
}

test('chat → Responses → chat keeps a tool conversation with parallel calls', async () => {
  const original = await input('chat-request/tool-conversation-parallel-calls');
  const back = ok(responsesRequestToChat(ok(chatRequestToResponses(original))));
  assert.deepEqual(normalChat(back.messages), normalChat(original.messages));
  assert.deepEqual(back.tool_choice, original.tool_choice);
  // The only change: chat's implicit non-strict default is now explicit.
  const [weather, time] = original.tools as Array<{ type: string; function: Json }>;
  assert.deepEqual(back.tools, [{ type: 'function', function: { ...weather?.function, strict: false } }, time]);
});

test('chat → Responses → chat keeps images with their detail', async () => {
  const original = await input('chat-request/images-with-detail-files-and-audio');
  const back = ok(responsesRequestToChat(ok(chatRequestToResponses(original))));
  const parts = ((back.messages as Json[])[0]?.content as Json[]).map((p) => p.image_url ?? p.type);
  assert.deepEqual(parts, [
    'text',
    { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' },
    { url: 'https://example.com/cat.png', detail: 'auto' },
    { url: 'https://example.com/dog.png', detail: 'auto' },
    'file',
    'input_audio',
  ]);
});

test('Responses → chat → Responses keeps the items of a tool conversation (reasoning aside)', async () => {
  const original = await input('responses-request/items-images-grouped-calls-and-outputs');
  const back = ok(chatRequestToResponses(ok(responsesRequestToChat(original))));
  const kinds = (items: unknown): unknown[] =>
    (items as Json[]).map((i) =>
      i.type === 'function_call' || i.type === 'function_call_output'
        ? [i.type, i.call_id]
        : [i.type ?? 'message', i.role],
    );
  assert.deepEqual(
    kinds(back.input),
    kinds((original.input as Json[]).filter((i) => i.type !== 'reasoning' && i.role !== 'developer')),
  );
  assert.equal(back.instructions, 'Answer briefly.');
});
