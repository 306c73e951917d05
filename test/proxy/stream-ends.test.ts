// How a relayed stream ends is decided once, for the plain relay and the translated one alike:
// a client that leaves aborts the upstream and counts once as gone (status 0); an upstream that
// breaks off ends the client's stream with the API's error event and counts as a 502.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { proxyHarness, type ProxyHarness } from '../harness/proxy-harness.js';

async function totals(h: ProxyHarness) {
  const { requests, s2xx, s5xx, sOther } = (await h.stats()).totals;
  return { requests, s2xx, s5xx, sOther };
}

const midStreamWarnings = (h: ProxyHarness) => h.logs.recent({ contains: 'upstream failed mid-stream' }).length;

const RELAYS = [
  { label: 'plain chat', model: 'gpt-4o-mini' },
  { label: 'translated (chat client, Responses deployment)', model: 'codex' },
];

for (const { label, model } of RELAYS) {
  test(`${label}: a client that leaves mid-stream aborts the upstream and is counted once, as gone`, async (t) => {
    const h = await proxyHarness(t);
    h.sim.enqueue({ kind: 'slowChunks', intervalMs: 200, chunks: 50 });
    const controller = new AbortController();
    const res = await h.postChat(
      { model, stream: true, messages: [{ role: 'user', content: 'a long answer please' }] },
      { signal: controller.signal },
    );
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    const upstream = await h.sim.waitFor((r) => r.aborted, 3000);
    assert.equal(upstream.completed, false);
    // The upstream saw the abort only after the proxy's response closed, which is when it counts.
    assert.deepEqual(await totals(h), { requests: 1, s2xx: 0, s5xx: 0, sOther: 1 });
    assert.equal(midStreamWarnings(h), 0, 'a client leaving is not an upstream failure');
  });

  test(`${label}: an upstream that drops mid-stream ends the stream with an error event, counted as a 502`, async (t) => {
    const h = await proxyHarness(t);
    h.sim.enqueue({ kind: 'dropMidStream', afterChunks: 3 });
    const stream = await h
      .sdk()
      .chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'a long answer please' }] });
    let chunks = 0;
    const failure = await (async () => {
      for await (const _ of stream) chunks++;
    })().catch((e: unknown) => e);
    assert.ok(failure instanceof OpenAI.APIError, `expected an APIError, got ${String(failure)}`);
    assert.ok(chunks >= 1, 'what came before the drop was delivered');
    assert.deepEqual(await totals(h), { requests: 1, s2xx: 0, s5xx: 1, sOther: 0 });
    assert.equal(midStreamWarnings(h), 1);
  });
}
