// A file lives on the resource that stored it: its id stays pinned there across a restart of the
// proxy, even after new uploads have been moved to another resource, so it is retrieved (and
// batched) through the same upstream that created it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toFile } from 'openai';
import { startFoundrySimulator } from '../../simulator/foundry/simulator.js';
import { defaultConfig, proxyHarness, SIM_API_KEY } from '../harness/proxy-harness.js';

test('a file id is served by the upstream that created it, after a restart and a change of store', async (t) => {
  const west = await startFoundrySimulator({ apiKey: SIM_API_KEY });
  t.after(() => west.close());
  const withWest = (config: Record<string, unknown>, storeOnWest: boolean) => {
    const upstreams = config.upstreams as Array<Record<string, unknown>>;
    upstreams.push({
      name: 'west',
      baseUrl: west.url,
      auth: { mode: 'apiKey', apiKey: SIM_API_KEY },
      files: storeOnWest,
    });
    if (!storeOnWest) upstreams[0]!.files = true;
  };
  const h = await proxyHarness(t, { configure: (config) => withWest(config, true) });

  const file = await h
    .sdk()
    .files.create({ file: await toFile(Buffer.from('{"a":1}\n'), 'kept.jsonl'), purpose: 'batch' });
  assert.equal(west.requests.at(-1)?.path, '/openai/v1/files');

  // New uploads now go to the first upstream; the proxy restarts with that config.
  const moved = defaultConfig(h.sim.url);
  withWest(moved, false);
  await h.writeConfig(moved);
  await h.restart();

  const westCalls = west.requests.length;
  const retrieved = await h.sdk().files.retrieve(file.id);
  assert.equal(retrieved.filename, 'kept.jsonl');
  assert.equal(west.requests.length, westCalls + 1);
  assert.equal(west.requests.at(-1)?.path, `/openai/v1/files/${file.id}`);

  const fresh = await h
    .sdk()
    .files.create({ file: await toFile(Buffer.from('{"b":2}\n'), 'new.jsonl'), purpose: 'batch' });
  assert.equal(h.sim.requests.at(-1)?.path, '/openai/v1/files');
  assert.notEqual(fresh.id, file.id);
  // Listing shows what the store upstream holds for this key: the new file only.
  assert.deepEqual(
    (await h.sdk().files.list()).data.map((f) => f.id),
    [fresh.id],
  );
});
