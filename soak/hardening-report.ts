/**
 * The report's "Hardening" section: each attack of the security review, what now stops it, the
 * test that performs it (bounded, loopback only), and the figures this run measured on the real
 * stack (hardening-check.ts). docs/hardening.md explains the settings.
 */
import type { HardeningReport } from './hardening-check.js';

const mib = (x: number) => x.toFixed(0);
const counts = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${v} × ${k}`)
    .join(', ') || 'none';

/** The one-line summary for the table at the top of the report. */
export function hardeningSummary(h: HardeningReport): string {
  const bodies = h.bodies
    .map(
      (b) =>
        `${b.name}: ${counts(b.statuses)}, proxy RSS ${mib(b.rssBeforeMiB)} → peak ${mib(b.rssPeakMiB)} MiB${b.crashed ? ', CRASHED' : ''}`,
    )
    .join('; ');
  const closed = h.slow.reduce((n, r) => n + r.closed, 0);
  const all = h.slow.reduce((n, r) => n + r.clients, 0);
  const longest = Math.max(0, ...h.slow.map((r) => r.maxClosedAfterMs));
  return `${bodies}; slow clients cut off ${closed}/${all} (longest ${(longest / 1000).toFixed(1)} s)`;
}

/** What each review item is now met by, and where the attack is performed. */
const ITEMS: Array<[string, string, string]> = [
  [
    'Deeply nested JSON crashes the proxy',
    'a scan before parsing: over 128 levels, 200,000 objects and arrays or 1,000 top-level fields → 400; parsed bodies share a heap budget until their response ends (503 `gateway_busy` after 30 s without room)',
    'test/proxy/json-body-shape.test.ts (10 MB `[[[[…]]]]` refused, nothing parsed), test/proxy/body-budget.test.ts (8 bodies at once never hold more than the budget)',
  ],
  [
    'Slow clients are never cut off',
    "`server.caddy.timeouts` → Caddy `read_header` (handshake and headers), `read_body` (the whole request), `idle`; the proxy's own header and request timeouts follow them; streams are responses and are not limited",
    'test/caddy/slow-clients.test.ts (half handshake, silent, trickled headers, trickled body, declared body never sent: all closed, through Caddy and direct; a 4 s stream completes with 2 s limits over HTTP/1.1 and HTTP/2)',
  ],
  [
    'One key takes every upstream connection',
    '`apiKeys[].limits.maxConcurrent` (429 `rate_limit_exceeded`, `retry-after`); `server.upstream.pool.queueTimeoutMs` bounds the wait for a connection (503 `upstream_busy`)',
    'test/governance/unread-streams.test.ts (260 unread streams, limit 10: 10 admitted, 250 refused, another key served), test/proxy/pool-wait.test.ts (full pool: 503 after 300 ms, never sent)',
  ],
  [
    'The login throttle can be raced',
    'an attempt counts as a failure when it starts; a success takes back only its own count and failures that ended before it began',
    'test/admin/login-race.test.ts (90 guesses at once: 5 checked, 85 refused, the right password after them refused)',
  ],
  [
    'A masked config exfiltrates upstream secrets',
    'a stored secret keeps its value only while it goes where it went (scheme, host, port; sign-in authority; DNS tenant; upstreams served by the global key)',
    'test/admin/secret-destination.test.ts',
  ],
  [
    'A bad config on disk stops the stack',
    'the proxy keeps `config.last-good.json` and starts from it (loudly) when config.json cannot be used; init and the admin login fall back to it; reloads are all-or-nothing',
    'test/stack/last-good-config.test.ts, test/proxy/config-fallback.test.ts, test/admin/broken-config.test.ts, test/stack/init.test.ts',
  ],
  [
    'Duplicate `"model"` keys',
    'duplicate top-level keys are refused (400 `duplicate_key`)',
    'test/proxy/json-body-shape.test.ts',
  ],
  [
    'Origin without scheme, no HSTS, renamed user, query-string keys in logs, short and world-readable logs, declared length with no body',
    'scheme compared; HSTS on ACME names; the login cache follows the user name; query keys cut from access logs and the admin view; 20 × 25 MiB gzipped logs, umask 077, RUN_DIR 0700; the body timeout answers 408',
    'test/admin/same-origin.test.ts, golden Caddyfiles, test/admin/login-race.test.ts, test/caddy/access-log.test.ts, test/stack/full-stack.test.ts, test/caddy/slow-clients.test.ts',
  ],
];

/** The section, with this run's figures when the fuzz phase ran. */
export function hardeningMarkdown(
  h: HardeningReport | undefined,
  statusByFamily: Record<string, Record<string, number>> | undefined,
): string[] {
  const out: string[] = ['## 5. Hardening', ''];
  out.push(
    "The security review's attacks, what stops each now, and the test that performs it (each bounded in count and time, on loopback; settings in docs/hardening.md).",
    '',
  );
  out.push(
    '| attack | what stops it | test |',
    '|---|---|---|',
    ...ITEMS.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
    '',
  );
  if (!h) return out;
  out.push(
    `**Large bodies, three at once, straight to the proxy** (its RSS sampled every 100 ms, and its kernel peak reset before each attack):`,
    '',
  );
  out.push(
    '| bodies | size each | answers | proxy RSS before | peak | after | seconds | crashed |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const b of h.bodies)
    out.push(
      `| ${b.bodies} × ${b.name} | ${(b.bytesEach / 1e6).toFixed(1)} MB | ${counts(b.statuses)} | ${mib(b.rssBeforeMiB)} MiB | ${mib(b.rssPeakMiB)} MiB | ${mib(b.rssAfterMiB)} MiB | ${b.seconds.toFixed(1)} | ${b.crashed ? 'YES' : 'no'} |`,
    );
  out.push('');
  out.push(
    'Before the fix, one 10 MB `[[[[…]]]]` took the proxy from 165 MB to 761 MB and three 52 MB ones ran it out of heap. The peaks above include the uploads themselves: a body is held while it is read and once more when its pieces are joined, about twice its size, outside the V8 heap; the parsed-body budget bounds the heap, the body limit and the number of connections bound these buffers. RSS falls back slowly (V8 keeps freed pages for a while), hence "after".',
    '',
  );
  out.push(
    `**Slow clients** (read_header ${h.timeouts.readHeaderMs / 1000} s, read_body ${h.timeouts.readBodyMs / 1000} s in this run's config; each gives up after ${(h.timeouts.readHeaderMs + h.timeouts.readBodyMs + 15_000) / 1000} s):`,
    '',
  );
  out.push('| door | client | closed | longest until closed | answers |', '|---|---|---|---|---|');
  for (const r of h.slow)
    out.push(
      `| ${r.door} | ${r.kind} | ${r.closed} / ${r.clients} | ${(r.maxClosedAfterMs / 1000).toFixed(1)} s | ${counts(r.statuses)} |`,
    );
  out.push('');
  out.push(
    "Before the fix each of these stayed open for the whole 400 s of the review's test. Caddy 2.6 answers a request it cut off in the middle of its body with an empty 200 and closes the connection (2.11 answers 504); the proxy behind it sees the upload aborted, so no proxy connection stays pinned. The proxy's own limits are Caddy's + 1 s and answer 408.",
    '',
  );
  const families = Object.entries(statusByFamily ?? {}).filter(([f]) => /duplicate|deep-nesting/.test(f));
  if (families.length)
    out.push(
      `**Generated cases of these kinds** (answers by status): ${families.map(([f, m]) => `${f}: ${counts(m)}`).join('; ')}.`,
      '',
    );
  return out;
}
