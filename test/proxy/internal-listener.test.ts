// The internal endpoints (reload, stats, targets, logs, metrics) live only on the second,
// loopback listener, which answers only under a loopback host name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { CLIENT_KEY, proxyHarness } from '../harness/proxy-harness.js';

test('internal endpoints are not on the public listener; metrics and stats are on the internal one', async (t) => {
  const h = await proxyHarness(t);
  await h.sdk().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'count' }] });
  for (const p of ['/internal/reload', '/internal/stats', '/metrics']) {
    const res = await fetch(`${h.url}${p}`, {
      method: p.endsWith('reload') ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${CLIENT_KEY}` },
    });
    assert.equal(res.status, 404, p);
  }
  const metrics = await (await fetch(`${h.internalUrl}/metrics`)).text();
  assert.match(
    metrics,
    /^gateway_requests_total\{model="gpt-4o-mini",key="main",target="foundry\/dep-4o-mini",status_class="2xx"\} 1$/m,
  );
  assert.match(metrics, /^gateway_upstream_credential_ok\{upstream="foundry"\} 1$/m);
  const logs = (await (await fetch(`${h.internalUrl}/internal/logs`)).json()) as { lines: unknown[] };
  assert.ok(Array.isArray(logs.lines));
});

test('the internal listener refuses requests under a non-loopback host name (DNS rebinding)', async (t) => {
  const h = await proxyHarness(t);
  const { port } = new URL(h.internalUrl);
  const status = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/internal/targets', headers: { host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal(await status('rebind.attacker.example'), 404);
  assert.equal(await status(`127.0.0.1:${port}`), 200);
  assert.equal(await status(`localhost:${port}`), 200);
});
