import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { killStack, programPid, startStack } from '../harness/stack.js';
import { waitUntil } from '../harness/ports.js';

// The whole stack under supervisord as clients and operators meet it: the SDK over HTTPS
// through Caddy, a data dir of regular files, a proxy killed under load and restarted, a hand
// edit carried to Caddy, and SIGTERM during a stream. One stack serves these checks, in this
// order (the last one stops it): starting one takes the longest part of each; each subtest
// states the figure it checks.

async function listNonRegular(dir: string): Promise<string[]> {
  const odd: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() && !entry.isDirectory()) odd.push(path.join(entry.parentPath, entry.name));
  }
  return odd;
}

test(
  'the full stack under supervisord: SDK over HTTPS, kill -9 of the proxy, SIGTERM during a stream',
  { timeout: 180_000 },
  async (t) => {
    const stack = await startStack();
    t.after(() => killStack(stack));
    const key = await stack.clientKey();
    const client = stack.sdk(key);

    await t.test('an openai SDK call over HTTPS through Caddy works, plain and streamed', async () => {
      const res = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'through the front door' }],
      });
      assert.match(res.choices[0]?.message.content ?? '', /through the front door/);
      const stream = await client.chat.completions.create({
        model: 'gpt-5-mini',
        stream: true,
        messages: [{ role: 'user', content: 'streamed through caddy' }],
      });
      let text = '';
      for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      assert.match(text, /streamed through caddy/);
    });

    await t.test(
      'the data dir holds only regular files (Azure Files cannot hold sockets); logs are owner-only',
      async () => {
        assert.deepEqual(await listNonRegular(stack.dataDir), []);
        // Caddy's access log is evidence and may quote what clients sent (supervisord: umask 077).
        assert.equal((await fs.stat(stack.runDir)).mode & 0o777, 0o700);
        await waitUntil(
          async () => (await fs.stat(path.join(stack.runDir, 'caddy.log')).catch(() => undefined)) !== undefined,
          10_000,
          'caddy.log',
        );
        assert.equal((await fs.stat(path.join(stack.runDir, 'caddy.log'))).mode & 0o777, 0o600);
        // supervisord says RUNNING once a program has stayed up for its startsecs (5 s for the proxy).
        const names = ['caddy', 'proxy', 'admin', 'simulator'];
        await waitUntil(
          async () => {
            const status = await stack.supervisorctl('status');
            return names.every((name) => new RegExp(`^${name}\\s+RUNNING`, 'm').test(status));
          },
          20_000,
          'every program RUNNING',
        );
      },
    );

    await t.test('kill -9 of the proxy under load: supervisord restarts it and requests succeed again', async () => {
      const before = await programPid(stack, 'proxy');
      assert.ok(before > 0);
      let ok = 0;
      let failed = 0;
      let stop = false;
      const load = (async () => {
        while (!stop) {
          try {
            await client.chat.completions.create({
              model: 'gpt-4o-mini',
              messages: [{ role: 'user', content: 'load' }],
            });
            ok++;
          } catch {
            failed++;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 500));
      process.kill(before, 'SIGKILL');
      await waitUntil(
        async () => {
          const pid = await programPid(stack, 'proxy');
          return pid > 0 && pid !== before;
        },
        30_000,
        'supervisord to restart the proxy',
      );
      const okAtRestart = ok;
      await waitUntil(async () => ok >= okAtRestart + 20, 30_000, 'requests to succeed after the restart');
      stop = true;
      await load;
      t.diagnostic(`kill -9 of the proxy: ${failed} client requests failed, ${ok} succeeded`);
      assert.ok(ok > okAtRestart, 'requests succeed after recovery');
      const after = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'after' }],
      });
      assert.equal(after.object, 'chat.completion');
    });

    await t.test('a hand edit of config.json (a new health key) is carried to Caddy by the admin', async () => {
      const file = path.join(stack.dataDir, 'config.json');
      const config = JSON.parse(await fs.readFile(file, 'utf8')) as { server: { healthKey: string } };
      config.server.healthKey = 'hand-edited-health-key-000000';
      await fs.writeFile(file, JSON.stringify(config, null, 2));
      await waitUntil(
        async () =>
          (await fs.readFile(path.join(stack.dataDir, 'Caddyfile'), 'utf8')).includes('hand-edited-health-key-000000'),
        30_000,
        'the Caddyfile to follow config.json',
      );
      await waitUntil(
        async () => {
          // undici's request, not fetch: Caddy 2.11's admin API refuses a request that carries
          // fetch's `Sec-Fetch-Mode` header without an allowed Origin (403, docs/caddy.md).
          const running = await (await request(`http://${stack.env.CADDY_ADMIN}/config/`)).body.text();
          return running.includes('hand-edited-health-key-000000');
        },
        30_000,
        'Caddy to load the new health key',
      );
      // Caddy's reload closes the old config's HTTP/2 connections with GOAWAY; a request that
      // raced onto the pooled connection before it arrived was not processed and is retried once,
      // as clients do (the SDK retries a connection error by default; the harness's client not).
      const res = await client.withOptions({ maxRetries: 1 }).chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'after the edit' }],
      });
      assert.equal(res.object, 'chat.completion');
      const ready = await stack.fetch(`${stack.url}/readyz`, {
        headers: { authorization: 'Bearer hand-edited-health-key-000000' },
      });
      assert.equal(ready.status, 200);
    });

    await t.test(
      'SIGTERM during a stream longer than any short grace (7 s): the stream completes, then everything exits 0',
      async () => {
        const hk = await stack.healthKey();
        assert.ok(hk);
        const res = await stack.fetch(`${stack.url}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${key}`,
            'content-type': 'application/json',
            'x-sim-scenario': JSON.stringify({ kind: 'slowChunks', intervalMs: 600, chunks: 12 }),
          },
          body: JSON.stringify({
            model: 'gpt-4o-mini',
            stream: true,
            messages: [{ role: 'user', content: 'a long stream' }],
          }),
        });
        assert.equal(res.status, 200);
        const body = res.text();
        await new Promise((r) => setTimeout(r, 400));
        const code = stack.stop();
        const text = await body;
        assert.ok(text.trimEnd().endsWith('data: [DONE]'), 'the stream ran to its end');
        assert.equal(await code, 0);
        const log = await stack.log();
        assert.match(log, /stopped: proxy \(exit status 0\)/);
      },
    );
  },
);
