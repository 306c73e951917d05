/**
 * What the figures of a run mean: each problem the run shows, said once, with its cause where the
 * suite can tell and a reproduction with curl against `make up`. Only conditions this run actually
 * met are printed, so a fixed problem drops out of the report by itself.
 */
import type { FaultResult } from './fault-types.js';
import type { SoakResults } from './results.js';

/** One finding: a title, what was seen, why, and how to see it again. */
interface Finding {
  title: string;
  body: string[];
}

const SETUP =
  'With the stack of `make up` (HTTPS on 8443): `CA=data/caddy/pki/authorities/local/root.crt`, `KEY=` the client key and `PW=` the admin password from `data/first-run.txt`.';

function faults(r: SoakResults, prefix: string): FaultResult[] {
  return r.faults.filter((f) => f.name.startsWith(prefix));
}

/** The findings of `r`, as markdown. */
export function findingsMarkdown(r: SoakResults): string[] {
  const out: Finding[] = [];
  const z = r.fuzz;

  if (z?.stall && !z.stall.ok) {
    out.push({
      title: 'Bug: a 415 answered before the body is read parks the connection, and Caddy hands it to the next client',
      body: [
        `A POST with a valid key, an unsupported Content-Type and a body of a few hundred KB or more (1 MB here) gets 415 at once, but the proxy then stops reading the body and keeps the connection open (no request timeout: \`requestTimeout: 0\`). Straight to the proxy, a second request on that connection was ${z.stall.direct.upload === 'parked' ? 'never answered' : z.stall.direct.upload === 'closed' ? 'refused (connection closed)' : 'answered'}; through Caddy the bad request got ${z.stall.viaCaddy.status} and the next requests of *other* clients, each on its own fresh connection, got: ${z.stall.viaCaddy.followUps.join(', ')}. Caddy evidently put its connection to the proxy back in its pool (the 1 MB fits in loopback socket buffers, so its write completed) and sent the next request on it; that request then waits for Caddy's \`response_header_timeout\` (310 s with the default \`firstByteTimeoutMs\` of 300 s) unless its client gives up first, which also frees the connection. One careless or hostile client with a key can stall other clients' requests, one pooled connection at a time.`,
        'Cause (from the code and a contrast): `proxy/request-guard.ts` pipes every request body into `BodyLimitCounter` in a `preParsing` hook; when no content-type parser matches, Fastify answers 415 without reading that stream, and since the request is already being consumed Node does not discard the rest. The admin service, which has no such hook, drains the same request (415, then the next request on the connection is answered). Possible fixes: a catch-all content-type parser that reads and discards the body before throwing 415, or `Connection: close` (and `req.raw.resume()`) whenever a response is sent before `req.raw.complete`.',
        `Reproduce — ${SETUP}`,
        "```\nhead -c 1000000 /dev/zero | tr '\\0' a > /tmp/body\ncurl -s --http1.1 --cacert $CA -o /dev/null -w '%{http_code}\\n' -H \"Authorization: Bearer $KEY\" -H 'Content-Type: text/plain' --data-binary @/tmp/body https://localhost:8443/v1/chat/completions   # 415\ncurl -s --http1.1 --cacert $CA -o /dev/null -w '%{http_code} after %{time_total} s\\n' --max-time 20 -H \"Authorization: Bearer $KEY\" https://localhost:8443/v1/models   # 000 after 20 s (hangs)\ncurl -s --http1.1 --cacert $CA -o /dev/null -w '%{http_code} after %{time_total} s\\n' --max-time 20 -H \"Authorization: Bearer $KEY\" https://localhost:8443/v1/models   # 200: the parked connection was dropped when curl gave up\n```",
        z.timeouts
          ? `The ${z.timeouts} fuzz request(s) that were never answered (section 3) are most likely victims of this: each was sent on a connection an earlier bad request had parked.`
          : '',
      ],
    });
  }

  const adminDeep = z?.findings.find((f) => f.kind === 'status_500' && f.family.includes('admin-deep-nesting'));
  if (adminDeep) {
    out.push({
      title: 'Bug: the admin API answers 500 to a deeply nested config',
      body: [
        'PUT /admin/api/config with arrays nested a few thousand levels deep (an 8 KB body is enough) answers 500 `internal_error`; the admin log shows `RangeError: Maximum call stack size exceeded` at `structuredClone` in `unmaskSecrets` (admin/config-secrets.ts) called from `unmaskIncoming` (admin/config-edit.ts). It is a client mistake and should be a 400 with an issue list; nothing is written (the old config stays). Possible fix: refuse bodies nested deeper than the schema can be (a depth check on the parsed body) before cloning, or turn a RangeError from clone/validation into 400.',
        `Reproduce — ${SETUP} (ADMIN=http://127.0.0.1:$ADMIN_PORT, or https://localhost:8443 with --cacert $CA)`,
        "```\nETAG=$(curl -s -D - -o /dev/null -u admin:$PW $ADMIN/admin/api/config | tr -d '\\r' | awk 'tolower($1)==\"etag:\"{print $2}')\npython3 -c \"print('{\\\"models\\\":' + '['*5000 + ']'*5000 + '}')\" > /tmp/deep.json\ncurl -s -w ' %{http_code}\\n' -u admin:$PW -X PUT -H \"If-Match: $ETAG\" -H 'Content-Type: application/json' --data-binary @/tmp/deep.json $ADMIN/admin/api/config   # 500 internal_error\n```",
      ],
    });
  }

  const other500 = z?.findings.filter((f) => f.kind === 'status_500' && !f.family.includes('admin-deep-nesting')) ?? [];
  if (other500.length) {
    out.push({
      title: `Gateway 500 for other client input (${other500.length} listed in section 3)`,
      body: ['Each is listed with its request in section 3; replay with the same SOAK_SEED.'],
    });
  }

  const caddy502 =
    z?.findings.filter(
      (f) =>
        f.kind === 'status_5xx' &&
        f.status === 502 &&
        (f.request.startsWith('caddy ') || f.request.startsWith('admin-caddy ')),
    ) ?? [];
  const bigHeader502 = caddy502.filter((f) => (f.headerBytes ?? 0) > 16_000);
  const early502 = caddy502.filter((f) => (f.headerBytes ?? 0) <= 16_000 && / body\(\d+ B\)/.test(f.request));
  const probe502 = z?.bodyLimitStatus.caddy === 502;
  if (early502.length || probe502) {
    const sizes = early502.map((f) => Number(/ body\((\d+) B\)/.exec(f.request)?.[1] ?? 0));
    const small = sizes.filter((b) => b < 65_536);
    out.push({
      title: 'Minor: an early refusal can reach the client as an empty 502',
      body: [
        `${early502.length} request(s) with a body and ordinary headers got 502 from Caddy (bodies of ${sizes.map((b) => `${b} B`).join(', ') || '—'}${early502.some((f) => f.request.startsWith('admin-caddy ')) ? "; one of them a config PUT over the admin service's 4 MiB limit, which it refuses with 413 before reading" : ''})${probe502 ? '; the declared-length probe (limit + 1 KiB, 1 MiB sent) got 502 from Caddy too, where the proxy straight answers 413' : ''}. An answer sent before the request body was read (401 for a missing or wrong key, 413, 415…) must not close a connection Caddy is still writing the upload to: Caddy then sees the close (\`write: broken pipe\` in its log) and answers 502 instead of passing the real answer on. The proxy reads and discards the rest of such uploads (up to its body limit + 1 MiB, for at most 10 s: docs/architecture.md, "Early answers drain the upload"), so a 502 here means an answer went out another way.${small.length ? ` ${small.length} of them had a small body: most likely a connection just closed was reused by Caddy at that moment (Go's transport does not retry a POST).` : ''}`,
        `Reproduce — ${SETUP}`,
        "```\npython3 -c \"print('{\\\"model\\\":\\\"gpt-4o-mini\\\",\\\"input\\\":\\\"' + 'x'*1000000 + '\\\"}')\" > /tmp/big.json\nfor i in 1 2 3 4 5 6 7 8 9 10; do curl -s --http1.1 --cacert $CA -o /dev/null -w '%{http_code} ' -H 'Authorization: Bearer sk-wrong' -H 'Content-Type: application/json' --data-binary @/tmp/big.json https://localhost:8443/v1/responses; done; echo   # mostly 401, now and then 502\n```",
      ],
    });
  }
  const non431 = Object.entries(z?.nonOpenAIErrors ?? {})
    .filter(([k]) => k.startsWith('431 '))
    .reduce((n, [, v]) => n + v, 0);
  if (bigHeader502.length || non431) {
    out.push({
      title: "Minor: oversized headers not answered by the proxy in OpenAI's shape",
      body: [
        `Caddy accepts request headers up to four times the proxy's limit (16 KiB), so that the proxy answers oversized headers itself, with a 431 in OpenAI's shape, after reading what Caddy still sends (docs/architecture.md, "Caddy's header limit is above the proxy's"). This run saw ${non431} 431 answer(s) in another shape${bigHeader502.length ? ` and ${bigHeader502.length} 502(s) from Caddy for oversized headers` : ''}.`,
        '```\ncurl -s --http1.1 --cacert $CA -H "Authorization: Bearer $(head -c 20000 /dev/zero | tr \'\\0\' k)" https://localhost:8443/v1/models   # 431 {"error":"Request Header Fields Too Large",…}\n```',
      ],
    });
  }
  const shapes = Object.entries(z?.nonOpenAIErrors ?? {}).filter(
    ([k]) => k !== '431 other JSON' && !k.startsWith('502 ') && !k.startsWith('503 '),
  );
  if (z && shapes.length) {
    out.push({
      title: "Minor: some client errors are not in OpenAI's error shape",
      body: [
        'Every client error should be in OpenAI\'s shape (docs/client-api.md, "Errors"); these answers to malformed requests carry another (one example each, from this run):',
        shapes
          .map(
            ([k, n]) =>
              `- ${n} × ${k}: \`${(z.nonOpenAIExamples[k]?.body ?? '').replace(/\s+/g, ' ').slice(0, 160)}\` ← \`${(z.nonOpenAIExamples[k]?.request ?? '').slice(0, 200)}\``,
          )
          .join('\n'),
        "Fastify's own client errors (a malformed request line, a URI over the limit, oversized headers) are written by its `clientError` handler, which neither service overrides; plain-text ones come from Caddy or Node before any handler runs.",
      ],
    });
  }

  const kills = faults(r, 'kill -9');
  const hi = r.healthInterval ?? '?';
  if (kills.length) {
    const with503 = kills.filter((k) => (k.background.errorStatuses['503'] ?? 0) > 0);
    out.push({
      title: 'kill -9 of the proxy: what clients see',
      body: [
        `supervisord restarts the proxy within a few seconds (times in section 2). Requests in flight at the kill fail (Caddy answers 502 in OpenAI's shape; streams are cut without an error event: the process that would have written one is gone), and so does about one more request per client, which Caddy sends on a pooled connection to the dead proxy (Go's transport does not retry a POST once written). New requests wait: while no proxy passes the health check (\`health_interval ${hi}\`), Caddy holds them for \`lb_try_duration\` and sends them on at the first passing check. ${with503.length ? `In ${with503.length} of ${kills.length} kill(s) some requests still got 503 (Caddy's backend_unavailable, in OpenAI's shape): the proxy was not back within \`lb_try_duration\`.` : 'No request got 503 in this run.'}`,
      ],
    });
  }

  const reload = faults(r, 'Caddy config reload')[0];
  if (reload && reload.clientErrors > 0) {
    out.push({
      title: 'Caddy reload: keep-alive race for HTTP/1.1 clients',
      body: [
        `${reload.clientErrors} request(s) failed during the reloads (${Object.entries(reload.background.byResult)
          .filter(([k]) => k !== 'ok')
          .map(([k, v]) => `${v} × ${k}`)
          .join(
            ', ',
          )}): Caddy's graceful reload closes idle keep-alive connections, and a request the client sends on one at that moment is lost ("other side closed"). Streams and requests in progress survive (no \`flush_interval -1\`: docs/architecture.md, "No flush_interval -1"). The OpenAI SDKs retry such connection errors by default; the suite's clients do not, so they are counted.`,
      ],
    });
  }

  const cred = faults(r, 'credential endpoint down')[0];
  if (cred?.notes.some((n) => n.includes('targets_unavailable'))) {
    out.push({
      title: 'Credential outage: recovery waits for the circuit breaker',
      body: [
        "A managed-identity upstream holding a token is not affected by the identity endpoint going down (tokens are cached and refreshed 5 minutes before expiry). One that needs its first token during the outage fails cleanly — each request waits for the token fetch (a few seconds, MSAL retries) and gets 502 `upstream_credential_error` — but after 5 such failures the target's circuit breaker opens (`circuitBreaker.failureThreshold` 5, `openMs` 30 s) and requests get 503 `targets_unavailable` without trying. So after the endpoint is back, recovery waits for the circuit to half-open (see the seconds in section 2), not for the next request. Counting credential failures (which are local, not the upstream's) against the breaker makes recovery slower than it needs to be.",
      ],
    });
  }

  const disk = faults(r, 'disk full')[0];
  if (disk?.notes.some((n) => n.includes('rolledBack=false') && n.includes('files unchanged'))) {
    out.push({
      title: 'Minor: disk full reports rolledBack=false although nothing changed',
      body: [
        'With no space at all, the first atomic write fails before anything is renamed, so config.json and the Caddyfile are untouched and the old config keeps serving. The apply then "restores" the files by writing them again, which fails with ENOSPC too, so the API answers `rolledBack: false` and logs "rollback step failed: check the files in DATA_DIR" — alarming for a state that is in fact intact. Skipping the restore of files that were never replaced (or comparing before writing) would answer `rolledBack: true`.',
      ],
    });
  }

  if (r.unpersistedAtKill) {
    out.push({
      title: 'Usage figures of the last seconds before a crash are lost (by design)',
      body: [
        `The proxy counts usage in memory and writes usage.json every 30 s and on SIGTERM; the first kill -9 lost the ${r.unpersistedAtKill} request(s) counted since the last write. Phase 4 shows nothing is lost across a graceful stop and restart, nor while the disk was full for 31 s.`,
      ],
    });
  }

  const l = r.load;
  if (l) {
    const cut = l.streamsViaCaddy.cut;
    out.push({
      title: 'Streams through Caddy (caddyserver/caddy#5431)',
      body: [
        cut
          ? `${cut} of ${l.streamsViaCaddy.streams} streams through Caddy ${r.machine.caddy} ended without \`[DONE]\` while ${l.streamsDirect.cut} of ${l.streamsDirect.streams} straight to the proxy did: the cut-short seen on Caddy 2.6.2 (caddyserver/caddy#5431).`
          : `No stream was cut in this run (${l.streamsViaCaddy.streams} through Caddy, ${l.streamsDirect.streams} straight to the proxy) at ${l.clients.stream} concurrent streams through Caddy ${r.machine.caddy}; Caddy 2.6.2 was seen to cut about 0.1 % at 200 concurrent streams (docs/architecture.md, "Count complete streams through Caddy"). The count stays in the report so a regression shows.`,
      ],
    });
    const growing = l.rss.filter((v) => !v.flat);
    if (growing.length) {
      out.push({
        title: 'Memory still growing at the end of the load',
        body: [
          growing
            .map(
              (v) =>
                `${v.program}: ${v.firstThirdMedianMiB.toFixed(1)} → ${v.lastThirdMedianMiB.toFixed(1)} MiB (+${v.growthPct.toFixed(1)} %) after warm-up`,
            )
            .join('; ') + '. A longer SOAK_SECONDS tells warm-up from a leak.',
        ],
      });
    }
  }

  if (z && z.upstream5xx > 0) {
    out.push({
      title: 'Not a gateway problem: the simulator fails on deep nesting',
      body: [
        `${z.upstream5xx} 5xx came from the Foundry simulator (a test helper), which overflows its stack on bodies nested thousands deep and answers 500 "simulator bug"; the proxy passed them through unchanged, as it does Azure's errors.`,
      ],
    });
  }
  if (z?.findings.some((f) => f.kind === 'status_5xx' && f.detail.includes('admin UI is not built'))) {
    out.push({
      title: 'Admin UI not built in this tree',
      body: [
        'GET /admin answered 503 "The admin UI is not built": `make soak` compiles in place without building the UI (`npm run build:ui`). Not a fault of the service.',
      ],
    });
  }

  return out.flatMap((f) => [`### ${f.title}`, '', ...f.body.filter((b) => b !== '').flatMap((b) => [b, '']), '']);
}
