// A bad config.json plus a restart does not stop the stack: the proxy keeps the last config it
// applied (config.last-good.json) and starts from it, loudly, when config.json cannot be used; the
// admin still logs in with that config's login and saves it back over the broken file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { killStack, programPid, startStack } from '../harness/stack.js';
import { waitUntil } from '../harness/ports.js';
import { stackAdminApi } from '../harness/stack-admin-api.js';
import { LAST_GOOD_NAME } from '../../common/config/last-good.js';

test(
  'a truncated config.json and a proxy restart: the stack serves the last good config, and the admin repairs the file',
  { timeout: 150_000 },
  async (t) => {
    const stack = await startStack();
    t.after(() => killStack(stack));
    const client = stack.sdk(await stack.clientKey());
    const configFile = path.join(stack.dataDir, 'config.json');
    const lastGood = path.join(stack.dataDir, LAST_GOOD_NAME);
    const good = await fs.readFile(configFile, 'utf8');
    await waitUntil(
      async () => (await fs.readFile(lastGood, 'utf8').catch(() => '')) === good,
      20_000,
      'the proxy to keep the last good config',
    );

    await t.test(
      'config.json cut in half, then kill -9 of the proxy: the stack keeps serving and says why',
      async () => {
        const healthKey = await stack.healthKey();
        await fs.writeFile(configFile, good.slice(0, good.length / 2));
        const before = await programPid(stack, 'proxy');
        process.kill(before, 'SIGKILL');
        await waitUntil(
          async () => {
            const pid = await programPid(stack, 'proxy');
            return pid > 0 && pid !== before;
          },
          30_000,
          'supervisord to restart the proxy',
        );
        await waitUntil(
          async () =>
            (
              await client.chat.completions.create({
                model: 'gpt-4o-mini',
                messages: [{ role: 'user', content: 'after' }],
              })
            ).object === 'chat.completion',
          30_000,
          'requests served again',
        );
        const ready = (await (
          await stack.fetch(`${stack.url}/readyz`, { headers: { authorization: `Bearer ${healthKey}` } })
        ).json()) as { config: { source: string } };
        assert.equal(ready.config.source, 'last-good');
        assert.match(await stack.log(), /SERVING THE LAST GOOD CONFIG/);
      },
    );

    await t.test(
      'the admin still logs in, shows the last good config and saves it back over the broken file',
      async () => {
        const admin = await stackAdminApi(stack);
        const { etag, config } = await admin.config();
        const put = await admin.call('PUT', '/admin/api/config', { body: config, headers: { 'if-match': etag } });
        assert.equal(put.status, 200, JSON.stringify(put.body));
        assert.doesNotThrow(() => JSON.parse(readFileSync(configFile, 'utf8')), 'config.json is valid JSON again');
      },
    );
  },
);
