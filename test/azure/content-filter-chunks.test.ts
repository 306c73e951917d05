// Azure's content-filter-only stream chunks (`choices: []` with `prompt_filter_results`) reach
// clients unchanged by default, and are removed for a model with `dropContentFilterChunks`; the
// content, the usage chunk the client asked for and [DONE] are untouched either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyHarness } from '../harness/proxy-harness.js';

type Chunk = { choices?: unknown[]; prompt_filter_results?: unknown; usage?: unknown };

async function events(res: Response): Promise<string[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
}

test('content-filter-only chunks are kept by default and dropped per model', async (t) => {
  const h = await proxyHarness(t, {
    configure: (config) => {
      (config.models as unknown[]).push({
        id: 'quiet',
        upstream: 'foundry',
        targetModel: 'dep-quiet',
        dropContentFilterChunks: true,
      });
    },
  });
  const ask = async (model: string) =>
    events(
      await h.postChat({
        model,
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'filter me' }],
      }),
    );
  const filterOnly = (data: string) => {
    if (data === '[DONE]') return false;
    const chunk = JSON.parse(data) as Chunk;
    return Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.prompt_filter_results !== undefined;
  };

  const kept = await ask('gpt-4o-mini');
  assert.equal(kept.filter(filterOnly).length, 1);
  const dropped = await ask('quiet');
  assert.equal(dropped.filter(filterOnly).length, 0);
  assert.equal(dropped.length, kept.length - 1);
  assert.equal(dropped.at(-1), '[DONE]');
  const usage = JSON.parse(dropped.at(-2) ?? '{}') as Chunk;
  assert.ok(usage.usage && typeof usage.usage === 'object', 'the usage chunk the client asked for is still there');
});
