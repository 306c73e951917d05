/**
 * SIMULATOR=1 works from the image's layout: on an empty share init seeds the config and adds the
 * simulator upstream, supervisord runs the simulator program the image ships, and an SDK stream
 * through Caddy is served by it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startImageStack } from '../harness/image-layout.js';
import { waitUntil } from '../harness/ports.js';

test(
  'SIMULATOR=1 from the image layout: the simulator program serves a stream through Caddy',
  { timeout: 180_000 },
  async (t) => {
    const { stack } = await startImageStack(t, { simulator: true });
    await waitUntil(
      async () => /^simulator\s+RUNNING/m.test(await stack.supervisorctl('status')),
      60_000,
      'the simulator RUNNING',
    );
    const stream = await stack.sdk(await stack.clientKey()).chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: 'simulated in the image' }],
    });
    let text = '';
    let chunks = 0;
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta?.content ?? '';
    }
    assert.match(text, /simulated in the image/);
    assert.ok(chunks > 2, `a stream of ${chunks} chunks`);
    assert.equal(await stack.stop(), 0);
  },
);
