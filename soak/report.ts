/**
 * The suite's output: a summary table on the console and docs/reports/reliability.md with the machine,
 * the date, every figure, and each problem found with the request that shows it.
 */
import { hardeningMarkdown, hardeningSummary } from './hardening-report.js';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { StreamCount } from './phase-load.js';
import { findingsMarkdown } from './findings.js';
import { FLAT_GROWTH_PCT } from './rss.js';
import type { SoakResults } from './results.js';

const mib = (x: number) => x.toFixed(1);
const pct = (a: number, b: number) => (b === 0 ? '—' : `${((100 * a) / b).toFixed(2)} %`);

function streamsLine(s: StreamCount): string {
  return `${s.complete} / ${s.streams} complete (${s.cut} cut without [DONE], ${s.errorEvent} error event, ${s.other} other)`;
}

function summaryRows(r: SoakResults): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const l = r.load;
  if (l) {
    rows.push([
      'Load held',
      `${l.requests} requests in ${l.seconds.toFixed(0)} s (${l.rps.toFixed(0)}/s), ${l.clients.nonStream} non-stream + ${l.clients.stream} stream clients via Caddy + ${l.clients.directStream} stream clients direct; errors: ${l.errors}`,
    ]);
    rows.push([
      'RSS after warm-up (first → last third median)',
      l.rss
        .map(
          (v) =>
            `${v.program} ${mib(v.firstThirdMedianMiB)} → ${mib(v.lastThirdMedianMiB)} MiB (${v.growthPct >= 0 ? '+' : ''}${v.growthPct.toFixed(1)} %, ${v.flat ? 'flat' : 'GROWING'})`,
        )
        .join('; '),
    ]);
    rows.push(['Streams via Caddy', streamsLine(l.streamsViaCaddy)]);
    rows.push(['Streams direct to the proxy', streamsLine(l.streamsDirect)]);
  }
  for (const f of r.faults) {
    const t = f.targeted
      ? `; targeted: ${f.targeted.requests} req, ${f.targeted.expected} expected clean failures, ${f.targeted.unexpected} unexpected`
      : '';
    rows.push([
      `Fault: ${f.name}`,
      `${f.verdict}: ${f.clientErrors} client-visible error(s) (background ${f.background.errors}/${f.background.requests}${t})`,
    ]);
  }
  if (r.fuzz) {
    const z = r.fuzz;
    rows.push([
      'Inputs tried',
      `${z.sent} sent (${z.runs} cases, seed ${z.seed}); gateway 500: ${z.status500}; other gateway 5xx: ${z.status5xx}; upstream 5xx passed through: ${z.upstream5xx}; never answered: ${z.timeouts}; crashes: ${z.crashes}; secrets leaked: ${z.leaks}; stack traces: ${z.stackTraces}`,
    ]);
    if (z.hardening) rows.push(['Attacks of the security review', hardeningSummary(z.hardening)]);
    if (z.stall)
      rows.push([
        'Parked connection check',
        `${z.stall.ok ? 'ok' : 'FAILED'}: 415 with a 1 MB body straight to the proxy → upload ${z.stall.direct.upload}; through Caddy → ${z.stall.viaCaddy.status}, then other clients' GET /v1/models: ${z.stall.viaCaddy.followUps.join(', ')}`,
      ]);
  }
  if (r.data) {
    const d = r.data;
    rows.push([
      'Data lost',
      `${d.dataLost} (config ${d.configValid ? 'valid' : 'INVALID'}, ${d.missingModels.length + d.missingUpstreams.length + d.missingKeys.length} missing entries, keys working ${d.keysWorking}/${d.keysTried}, usage lost at stop ${d.usage?.lostAtStop ?? '?'}, at restart ${d.usage?.lostAtRestart ?? '?'})`,
    ]);
  }
  if (r.unpersistedAtKill !== undefined)
    rows.push(['Usage not yet persisted at kill -9', `${r.unpersistedAtKill} request(s) (persist interval 30 s)`]);
  if (r.ledgerLossAtKill)
    rows.push([
      'Quota use and spend lost at kill -9',
      `${r.ledgerLossAtKill.tokens} of ${r.ledgerLossAtKill.tokensBefore} tokens this month, ${r.ledgerLossAtKill.spend.toFixed(6)} in spend (governance.json written ${(r.ledgerLossAtKill.writtenMsBeforeKill / 1000).toFixed(1)} s before the kill; interval 1 s)`,
    ]);
  if (r.aborted) rows.push(['ABORTED', r.aborted]);
  return rows;
}

/** The console summary. */
export function consoleSummary(r: SoakResults): string {
  const rows = summaryRows(r);
  const width = Math.max(...rows.map(([k]) => k.length));
  return ['', '=== soak summary ===', ...rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`), ''].join('\n');
}

const cell = (s: string | number) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(head: string[], rows: Array<Array<string | number>>): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

/** The markdown report. */
export function markdown(r: SoakResults): string {
  const m = r.machine;
  const s = r.settings;
  const out: string[] = [];
  out.push('# Reliability: `make soak`', '');
  out.push(
    'What the gateway survives, measured on the real stack (`deploy/entrypoint.sh` → init → supervisord running Caddy, the proxy, the admin service and the Foundry simulator; DATA_DIR on a 32 MiB tmpfs), all on loopback. This file is written by `make soak` (`soak/`); the figures below are from the run named here, not edited by hand.',
    '',
  );
  out.push(`- **Date**: ${m.date}`);
  out.push(
    `- **Machine**: ${m.cpus} CPU (${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB, ${m.kernel}; Node ${m.node}; Caddy ${m.caddy}`,
  );
  out.push(
    `- **Load average** (1 min) at start ${m.loadAvgStart.toFixed(2)}, at end ${m.loadAvgEnd?.toFixed(2) ?? '?'}: the load generator, the simulators and the stack share the ${m.cpus} CPUs${m.loadAvgStart > m.cpus ? '; other work was running on the machine as well' : ''}.`,
  );
  out.push(
    `- **Run**: ${r.seconds.toFixed(0)} s in total; SOAK_SECONDS=${s.loadSeconds}, SOAK_NONSTREAM=${s.nonStreamClients}, SOAK_STREAMS=${s.streamClients}, SOAK_DIRECT_STREAMS=${s.directStreamClients}, streams of ${s.streamChunks} chunks ${s.streamIntervalMs} ms apart, SOAK_FAULT_CLIENTS=${s.faultClients}, SOAK_CREDENTIAL_OUTAGE_SECONDS=${s.credentialOutageSeconds}, SOAK_FUZZ_RUNS=${s.fuzzRuns}, SOAK_SEED=${s.fuzzSeed}`,
  );
  out.push('');
  out.push('## Summary', '');
  out.push(table(['', 'result'], summaryRows(r)));
  out.push('');
  const findings = findingsMarkdown(r);
  if (findings.length) out.push('## What this run found', '', ...findings);

  const l = r.load;
  if (l) {
    out.push('## 1. Load held', '');
    out.push(
      `Closed-loop clients for ${l.seconds.toFixed(0)} s, no pause between requests; half of the clients through Caddy speak HTTP/2 (multiplexed on one connection, like undici's fetch in the OpenAI SDK), half HTTP/1.1 (a connection each). Non-stream clients mix chat (50 %), Responses (15 %), embeddings (15 %), the two-target \`pool\` model (10 %) and the managed-identity model (10 %); stream clients ask for chat streams of ${s.streamChunks} chunks ${s.streamIntervalMs} ms apart. Every answer is checked: status 200 and the expected JSON field, or an event stream ending in \`data: [DONE]\`.`,
      '',
    );
    out.push(
      table(
        ['clients', 'requests', 'errors', 'results'],
        l.byGroup.map((g) => [
          g.name,
          g.requests,
          g.errors,
          Object.entries(g.byResult)
            .map(([k, v]) => `${k} ${v}`)
            .join(', '),
        ]),
      ),
    );
    out.push('');
    if (l.examples.length) out.push('Errors seen:', '', ...l.examples.map((e) => `- \`${e}\``), '');
    out.push(
      `**RSS** (VmRSS from /proc, every ${s.rssIntervalMs / 1000} s; the first ${l.warmupSeconds.toFixed(0)} s are warm-up and left out; "flat" means the last third's median is less than ${FLAT_GROWTH_PCT} % above the first third's):`,
      '',
    );
    out.push(
      table(
        [
          'process',
          'samples',
          'start MiB',
          'end MiB',
          'first-third median',
          'last-third median',
          'growth',
          'peak MiB',
          'verdict',
        ],
        l.rss.map((v) => [
          v.program,
          v.samples,
          mib(v.startMiB),
          mib(v.endMiB),
          mib(v.firstThirdMedianMiB),
          mib(v.lastThirdMedianMiB),
          `${v.growthPct.toFixed(1)} %`,
          mib(v.peakMiB),
          v.flat ? 'flat' : 'growing',
        ]),
      ),
    );
    out.push('');
    out.push(
      '**Complete streams, side by side.** Caddy 2.6.2 was seen to cut a few streams per ten thousand short under load (caddyserver/caddy#5431: status 200, no `[DONE]`); the suite counts them rather than asserting zero through Caddy, and runs the same streams straight to the proxy so a cut made by the proxy would show there.',
      '',
    );
    out.push(
      table(
        ['path', 'streams', 'complete', 'cut (no [DONE])', 'error event', 'other', 'incomplete'],
        [
          [
            'client → Caddy → proxy, all',
            l.streamsViaCaddy.streams,
            l.streamsViaCaddy.complete,
            l.streamsViaCaddy.cut,
            l.streamsViaCaddy.errorEvent,
            l.streamsViaCaddy.other,
            pct(l.streamsViaCaddy.streams - l.streamsViaCaddy.complete, l.streamsViaCaddy.streams),
          ],
          ...Object.entries(l.streamsViaCaddyByProtocol).map(([via, c]) => [
            `… of which client → ${via}`,
            c.streams,
            c.complete,
            c.cut,
            c.errorEvent,
            c.other,
            pct(c.streams - c.complete, c.streams),
          ]),
          [
            'client → proxy',
            l.streamsDirect.streams,
            l.streamsDirect.complete,
            l.streamsDirect.cut,
            l.streamsDirect.errorEvent,
            l.streamsDirect.other,
            pct(l.streamsDirect.streams - l.streamsDirect.complete, l.streamsDirect.streams),
          ],
        ],
      ),
    );
    out.push('');
    if (l.usage)
      out.push(
        `**Usage accounting** for the phase's own key (\`soak-load\`): the clients sent ${l.usage.sent} requests (${l.usage.ok} succeeded); the proxy counted ${l.usage.counted} (${l.usage.s2xx} with 2xx)${l.usage.sent === l.usage.counted ? ' — exact' : ` — off by ${l.usage.counted - l.usage.sent}`}.`,
        '',
      );
  }

  if (r.faults.length) {
    out.push('## 2. Faults survived', '');
    out.push(
      `A background load (${s.faultClients} non-stream + ${s.faultClients} stream clients through Caddy) runs through all faults; each fault's window runs from the moment it is injected until the stack serves again plus 2 s, and the background requests overlapping it are counted. Some faults also have clients of their own ("targeted"); for them, the failures the fault is meant to cause are counted as *expected* only after checking each is a clean error (an OpenAI-shaped error answer or a stream error event, never a hang or a silent cut). **Client-visible errors** = background errors + unexpected targeted failures.`,
      '',
    );
    out.push(
      table(
        [
          'fault',
          'what was done',
          'background req / errors',
          'targeted req / expected / unexpected',
          'client-visible errors',
          'verdict',
        ],
        r.faults.map((f) => [
          f.name,
          f.action,
          `${f.background.requests} / ${f.background.errors}`,
          f.targeted ? `${f.targeted.requests} / ${f.targeted.expected} / ${f.targeted.unexpected}` : '—',
          f.clientErrors,
          f.verdict,
        ]),
      ),
    );
    out.push('');
    for (const f of r.faults) {
      out.push(`**${f.name}**`, '', ...f.notes.map((n) => `- ${n}`));
      const ex = [...f.background.examples, ...(f.targeted && f.targeted.unexpected > 0 ? f.targeted.examples : [])];
      if (f.background.errors > 0)
        out.push(
          `- background results in the window: ${Object.entries(f.background.byResult)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')}`,
        );
      if (ex.length) out.push(...ex.slice(0, 4).map((e) => `- e.g. \`${e}\``));
      out.push('');
    }
  }

  const z = r.fuzz;
  if (z) {
    out.push('## 3. Bad input tried', '');
    out.push(
      `fast-check (seed ${z.seed}) ran ${z.fixed} fixed + ${z.runs - z.fixed} generated cases: malformed JSON, wrong types, huge strings (up to 12 MiB, and one body over the 50 MiB limit per door), invalid UTF-8, nesting up to 200,000 deep, prototype keys, odd and oversized headers, odd paths and methods — to every public endpoint (through Caddy and straight to the proxy) and the admin API (straight and through Caddy). Secrets are filled in at send time, so the cases below are safe to share. Checks on every answer: no status 500, no other 5xx for client input, no stack frame (\`at …\\.js:N\`, \`node:internal\`), none of the secrets (health key, admin password and its hash, client keys and their hashes, upstream api-keys, the identity header, managed-identity tokens) in a body or header; and the proxy, admin and Caddy pids unchanged (checked every 200 cases and at the end).`,
      '',
    );
    out.push(
      table(
        [
          'sent',
          'not sent (client refused)',
          'by door',
          'by status',
          'gateway 500',
          'other gateway 5xx',
          'upstream 5xx passed through',
          'never answered (30 s)',
          'stack traces',
          'secrets leaked',
          'transport errors',
          'crashes',
          'keys created',
          'seconds',
        ],
        [
          [
            z.sent,
            z.notSent,
            Object.entries(z.byDoor)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
            Object.entries(z.byStatusClass)
              .sort()
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
            z.status500,
            z.status5xx,
            z.upstream5xx,
            z.timeouts,
            z.stackTraces,
            z.leaks,
            z.transportErrors,
            z.crashes,
            z.keysCreated,
            z.seconds.toFixed(0),
          ],
        ],
      ),
    );
    if (z.stall) {
      out.push('');
      out.push(
        `**Parked connections** (soak/stall-check.ts): a POST with an unsupported Content-Type (text/plain) and a 1 MB body, answered 415 before the body is read. Straight to the proxy, followed by a GET on the same connection: answered ${z.stall.direct.status}, then the connection was **${z.stall.direct.upload}** (drained = the proxy read and discarded the rest and answered the GET; closed = it closed the connection; parked = neither within 10 s). Through Caddy from one client: ${z.stall.viaCaddy.status}; then three GET /v1/models from *other* clients on fresh connections: ${z.stall.viaCaddy.followUps.join(', ')} (timeout = ${10} s without an answer).`,
      );
    }
    out.push('');
    out.push(
      `Body limit (50 MiB by default): a request declaring the limit + 1 KiB is answered ${Object.entries(
        z.bodyLimitStatus,
      )
        .map(([door, st]) => `${st < 0 ? 'not within 15 s' : st} by ${door}`)
        .join(
          ' and ',
        )} after its first 1 MiB (raw socket; the rest is never sent); ${z.refusedWhileUploading} over-limit upload(s) were cut off by the server while the client was still sending (EPIPE or reset on the client), which is how an early refusal looks to an HTTP client that sends the whole body first.`,
      '',
    );
    const shapes = Object.entries(z.nonOpenAIErrors).sort((a, b) => b[1] - a[1]);
    out.push(
      `Error answers not in OpenAI's \`{"error":{…}}\` shape (HEAD excluded): ${shapes.length ? shapes.map(([k, v]) => `${v} × ${k}`).join(', ') : 'none'}.`,
      '',
    );
    out.push(
      `Pids before → after: ${(['caddy', 'proxy', 'admin'] as const).map((p) => `${p} ${z.pidsBefore[p]} → ${z.pidsAfter[p]}`).join(', ')}.`,
      '',
    );
    out.push(
      `Cases per family: ${Object.entries(z.byFamily)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
      '',
    );
    if (z.findings.length) {
      out.push(
        'Findings (first ones of each kind; `<<CLIENT>>`, `<<ADMIN>>`, `<<HEALTH>>`, `<<ETAG>>` stand for the real values):',
        '',
      );
      for (const f of z.findings)
        out.push(
          `- **${f.kind}**${f.status ? ` (${f.status})` : ''} [${f.family}] \`${f.request.slice(0, 400)}\` → ${f.detail.replace(/\s+/g, ' ').slice(0, 400)}`,
        );
      out.push('');
    }
  }

  const d = r.data;
  if (d) {
    out.push('## 4. Data lost', '');
    out.push(
      'After everything above: config.json is checked (valid against the schema, ETag of the admin API = sha256 of the file, every model, upstream and key the suite added still there and active, no fuzz input in it), the client keys are tried, then the stack is stopped with SIGTERM (the proxy flushes usage) and started again on the same DATA_DIR.',
      '',
    );
    out.push(
      table(
        ['check', 'result'],
        [
          ['config.json valid', d.configValid ? 'yes' : `no: ${d.configIssues.join('; ')}`],
          ['admin ETag = sha256(config.json)', d.etagMatchesFile ? 'yes' : 'no'],
          [
            'models / upstreams / keys missing',
            `${d.missingModels.join(', ') || 'none'} / ${d.missingUpstreams.join(', ') || 'none'} / ${d.missingKeys.join(', ') || 'none'}`,
          ],
          ['fuzz input in config.json', d.fuzzMarkerFound ? 'YES' : 'no'],
          ['client keys working', `${d.keysWorking} / ${d.keysTried}`],
          ['graceful stop exit code', String(d.stopExitCode)],
          [
            'usage (client keys): in memory before stop → usage.json → after restart',
            d.usage
              ? `${d.usage.inMemory} → ${d.usage.onDiskAfterStop} → ${d.usage.afterRestart} requests`
              : 'not measured',
          ],
          ['restart on the same DATA_DIR', d.restartOk ? 'ok' : `failed: ${d.restartError ?? '?'}`],
          ['**data lost**', `**${d.dataLost}**`],
        ],
      ),
    );
    out.push('');
    if (r.unpersistedAtKill !== undefined)
      out.push(
        `Not counted as data lost: the proxy keeps usage counters in memory and writes usage.json every 30 s (and on SIGTERM), so the kill -9 above lost the ${r.unpersistedAtKill} request(s) counted since its last write. A crash can lose at most 30 s of usage figures; requests themselves are not lost.`,
        '',
      );
  }
  out.push(...hardeningMarkdown(r.fuzz?.hardening, r.fuzz?.statusByFamily));
  if (r.aborted) out.push('## Run aborted', '', r.aborted, '');
  out.push('## Reproduce', '');
  out.push(
    '`make soak` (about 7 minutes on 2 CPUs; needs root for the tmpfs — without it the disk-full fault is reported as skipped). Shorter: `SOAK_SECONDS=30 SOAK_FUZZ_RUNS=300 make soak`; one phase at a time: `SOAK_SKIP=faults,fuzz` and so on. The same fuzz cases: `SOAK_SEED=<seed>`. `SOAK_KEEP=1` keeps the temp dir with the stack log and a copy of DATA_DIR.',
    '',
  );
  return out.join('\n');
}

/** Writes the report to `file`. */
export async function writeReport(file: string, r: SoakResults): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, markdown(r));
}
