/**
 * Phase 3, bad input: sends the fixed cases and `runs` generated ones (fuzz-inputs.ts, seeded so a
 * run can be replayed) to the public endpoints and the admin API, and checks every answer: no
 * status 500 for client input (other 5xx are listed for reading), no stack trace, no secret in a
 * body or header; and that no program crashed (pids unchanged, checked as it goes).
 */
import net from 'node:net';
import tls from 'node:tls';
import fc from 'fast-check';
import { describe, exchange, type Answer, type Door } from './http.js';
import { INVALID_MARKER, PLACEHOLDER, fixedCases, fuzzCase, type FuzzCase, type FuzzDoor } from './fuzz-inputs.js';
import { programPids, type Watched } from './rss.js';
import { stallCheck, type StallReport } from './stall-check.js';
import { bodyAttacks, slowClients, type HardeningReport } from './hardening-check.js';

/** Everything the fuzzer needs from the running stack. */
export interface FuzzTarget {
  doors: Record<FuzzDoor, Door>;
  runDir: string;
  clientKey: string;
  healthKey: string;
  adminAuth: string;
  /** Current ETag and masked config of /admin/api/config. */
  currentConfig(): Promise<{ etag: string; config: Record<string, unknown> }>;
  /** Secret values that must never appear in an answer (read fresh: tokens are issued as it runs). */
  secrets(): Array<{ name: string; value: string }>;
  /** Called for every key the fuzzer created through POST /admin/api/keys. */
  onKeyCreated(id: string, key: string): void;
  bodyLimitBytes: number;
  /** Caddy's local root (PEM), for the raw TLS probe. */
  caddyCa: string;
  /** The stack's server.caddy.timeouts: how soon slow clients must be cut off. */
  clientTimeouts: { readHeaderMs: number; readBodyMs: number };
}

/** A problem found, with a replayable description of the case (placeholders, no secrets). */
export interface Finding {
  kind: 'status_500' | 'status_5xx' | 'upstream_5xx' | 'stack_trace' | 'secret' | 'transport' | 'timeout' | 'crash';
  family: string;
  request: string;
  status?: number;
  /** Bytes of request headers (names and values) as sent. */
  headerBytes?: number;
  detail: string;
}

/** What phase 3 reports. */
export interface FuzzReport {
  seed: number;
  /** Cases run in total, of which `fixed` are the always-run ones. */
  runs: number;
  fixed: number;
  sent: number;
  /** Cases the HTTP client itself refused to send (e.g. a header value it considers invalid). */
  notSent: number;
  byDoor: Record<string, number>;
  byStatusClass: Record<string, number>;
  byFamily: Record<string, number>;
  /** 500 answered by the gateway itself (not passed through from the upstream). */
  status500: number;
  /** Other 5xx answered by the gateway or Caddy. */
  status5xx: number;
  /** 5xx the upstream (the simulator) answered, passed through unchanged (they carry apim-request-id). */
  upstream5xx: number;
  /** Requests that got no answer within 30 s. */
  timeouts: number;
  /** The parked-connection checks (stall-check.ts). */
  stall?: StallReport;
  stackTraces: number;
  leaks: number;
  transportErrors: number;
  crashes: number;
  pidsBefore: Record<Watched, number>;
  pidsAfter: Record<Watched, number>;
  findings: Finding[];
  keysCreated: number;
  /** Error answers (4xx/5xx) not in OpenAI's `{"error":{…}}` shape, by `status kind`, and one example each (request and body). */
  nonOpenAIErrors: Record<string, number>;
  nonOpenAIExamples: Record<string, { request: string; body: string }>;
  /** Over-limit uploads cut off by the server while the client was still sending. */
  refusedWhileUploading: number;
  /** What each door answers to a request declaring a body over the limit (status line only; no body sent). */
  bodyLimitStatus: Record<string, number>;
  /** Answers by status for each family (e.g. every duplicate-keys case should be a 400). */
  statusByFamily: Record<string, Record<string, number>>;
  /** The security review's attacks replayed with figures (hardening-check.ts). */
  hardening?: HardeningReport;
  seconds: number;
}

const FIRST_BODY_BYTES = Buffer.alloc(1024 * 1024, 0x61);
const STACK_TRACE = /\bat [^\n"]*\.(?:js|mjs|cjs|ts):\d+/;
const INTERNAL_FRAME = /node:internal\//;
const CONCURRENCY = 4;
const PID_CHECK_EVERY = 200;
/** Writes that really change the config are capped so the run stays bounded in time. */
const CAPS = { keyCreates: 20, reloads: 5, dnsProviders: 5 };

function summary(c: FuzzCase, bodyText?: string): string {
  const size = c.body?.kind === 'bytes' ? c.body.data.length : undefined;
  const preview =
    bodyText ??
    (c.body?.kind === 'bytes'
      ? c.body.data.subarray(0, 160).toString('latin1')
      : c.body
        ? JSON.stringify(c.body.overrides).slice(0, 160)
        : '');
  return `${c.door} ${c.method} ${c.path.slice(0, 200)} headers=${JSON.stringify(c.headers).slice(0, 300)}${size !== undefined ? ` body(${size} B)=${JSON.stringify(preview)}` : c.body ? ` configMerge=${preview}` : ''}`;
}

/**
 * Sends the headers of a POST declaring `length` body bytes and only the first 1 MiB of the body,
 * and returns the status the server answers with (a raw socket: HTTP clients send the whole body
 * before reading the answer). Caddy forwards a request only once some of its body has arrived (64
 * KiB was not enough in a test), so part of the body must follow the headers.
 */
export function declaredLengthStatus(door: Door, key: string, length: number, ca: string): Promise<number> {
  const url = new URL(door.origin);
  const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const port = Number(url.port);
    const socket =
      url.protocol === 'https:'
        ? tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca, ALPNProtocols: ['http/1.1'] }, () =>
            socket.write(Buffer.concat([Buffer.from(head), FIRST_BODY_BYTES])),
          )
        : net.connect({ host: '127.0.0.1', port }, () =>
            socket.write(Buffer.concat([Buffer.from(head), FIRST_BODY_BYTES])),
          );
    let text = '';
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer within 15 s')));
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m) {
        socket.destroy();
        resolve(Number(m[1]));
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed without a status line: ${JSON.stringify(text.slice(0, 100))}`)));
  });
}

/** Replaces placeholders with the real values for sending. */
function fill(value: string, t: FuzzTarget, etag: string): string {
  return value
    .replaceAll(PLACEHOLDER.client, t.clientKey)
    .replaceAll(PLACEHOLDER.health, t.healthKey)
    .replaceAll(PLACEHOLDER.admin, t.adminAuth)
    .replaceAll(PLACEHOLDER.etag, etag);
}

/** Runs phase 3. */
export async function runFuzz(t: FuzzTarget, runs: number, seed: number): Promise<FuzzReport> {
  const started = Date.now();
  const generated = runs > 0 ? fc.sample(fuzzCase, { numRuns: runs, seed }) : [];
  const fixed = fixedCases(t.bodyLimitBytes);
  const cases = [...fixed, ...generated];
  const report: FuzzReport = {
    seed,
    runs: cases.length,
    fixed: fixed.length,
    sent: 0,
    notSent: 0,
    byDoor: {},
    byStatusClass: {},
    byFamily: {},
    status500: 0,
    status5xx: 0,
    upstream5xx: 0,
    timeouts: 0,
    stackTraces: 0,
    leaks: 0,
    transportErrors: 0,
    crashes: 0,
    pidsBefore: await programPids(t.runDir),
    pidsAfter: { caddy: 0, proxy: 0, admin: 0 },
    findings: [],
    keysCreated: 0,
    refusedWhileUploading: 0,
    bodyLimitStatus: {},
    statusByFamily: {},
    nonOpenAIErrors: {},
    nonOpenAIExamples: {},
    seconds: 0,
  };
  const used = { keyCreates: 0, reloads: 0, dnsProviders: 0 };
  const add = (f: Finding) => {
    if (report.findings.filter((x) => x.kind === f.kind).length < 25) report.findings.push(f);
  };

  // The pids last seen; a change between two checks is a crash (supervisord restarted the program).
  const seen = { ...report.pidsBefore };
  const checkPids = async (since: string) => {
    const now = await programPids(t.runDir);
    for (const name of Object.keys(now) as Watched[]) {
      if (now[name] !== seen[name]) {
        report.crashes += 1;
        add({ kind: 'crash', family: 'pids', request: since, detail: `${name} pid ${seen[name]} → ${now[name]}` });
        seen[name] = now[name];
      }
    }
    return now;
  };

  const send = async (c0: FuzzCase): Promise<void> => {
    let c = c0;
    // Caps on real changes: past them, a key create becomes a stale-If-Match create (412, no change)
    // and a reload or DNS module listing becomes a GET of an unknown route.
    if (
      c.method === 'POST' &&
      c.path === '/admin/api/keys' &&
      !c.headers['if-match'] &&
      c.family.indexOf('bad-login') < 0
    ) {
      if (++used.keyCreates > CAPS.keyCreates) c = { ...c, headers: { ...c.headers, 'if-match': '"stale-cap"' } };
    }
    if (c.method === 'POST' && c.path === '/admin/api/reload' && ++used.reloads > CAPS.reloads)
      c = { ...c, method: 'GET' };
    if (c.path === '/admin/api/dns-providers' && ++used.dnsProviders > CAPS.dnsProviders)
      c = { ...c, path: '/admin/api/dns-providers-capped' };

    const door = t.doors[c.door];
    const needsEtag =
      Object.values(c.headers).some((v) => v.includes(PLACEHOLDER.etag)) || c.body?.kind === 'configMerge';
    const current = needsEtag ? await t.currentConfig() : undefined;
    const headers = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, fill(v, t, current?.etag ?? '')]));
    let body: Buffer | undefined;
    if (c.body?.kind === 'bytes') body = c.body.data;
    if (c.body?.kind === 'configMerge') {
      // Always invalid: the marker is an unknown root property and the root has additionalProperties: false.
      const raw = c.body.raw ?? {};
      let text = JSON.stringify({
        ...(current?.config ?? {}),
        ...c.body.overrides,
        ...Object.fromEntries(Object.keys(raw).map((k) => [k, `\u0000RAW:${k}`])),
        [INVALID_MARKER]: true,
      });
      for (const [k, v] of Object.entries(raw)) text = text.replace(JSON.stringify(`\u0000RAW:${k}`), v);
      body = Buffer.from(text);
    }
    report.byDoor[c.door] = (report.byDoor[c.door] ?? 0) + 1;
    report.byFamily[c.family] = (report.byFamily[c.family] ?? 0) + 1;
    let answer: Answer;
    try {
      answer = await exchange(door, {
        method: c.method,
        path: c.path,
        headers,
        ...(body ? { body } : {}),
        timeoutMs: 30_000,
      });
    } catch (err) {
      const text = describe(err);
      // undici refuses some inputs before anything is sent (InvalidArgumentError); not the server's doing.
      if (
        /InvalidArgument|invalid .*header|UND_ERR_INVALID_ARG|ERR_INVALID_CHAR|ERR_INVALID_HTTP_TOKEN|Connection specific headers are forbidden/i.test(
          text,
        )
      ) {
        report.notSent += 1;
        return;
      }
      report.sent += 1;
      // A server that refuses an oversized upload answers at once and closes the connection;
      // the client, still writing, sees EPIPE or a reset instead of the answer. The status it
      // sent is checked separately (bodyLimitStatus), so this is not a finding.
      if (
        c.family === 'fixed/over-body-limit' &&
        /EPIPE|ECONNRESET|UND_ERR_SOCKET|other side closed|socket hang up/i.test(text)
      ) {
        report.refusedWhileUploading += 1;
        return;
      }
      const timeout = /timeout|aborted/i.test(text);
      if (timeout) report.timeouts += 1;
      else report.transportErrors += 1;
      add({
        kind: timeout ? 'timeout' : 'transport',
        family: c.family,
        request: summary(c),
        detail: timeout
          ? `${text} (a request that times out may be the victim of an earlier one on the same connection: see the parked-connection check)`
          : text,
      });
      return;
    }
    report.sent += 1;
    const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
    const cls = `${Math.floor(answer.status / 100)}xx`;
    report.byStatusClass[cls] = (report.byStatusClass[cls] ?? 0) + 1;
    const familyStatuses = (report.statusByFamily[c.family] ??= {});
    familyStatuses[answer.status] = (familyStatuses[answer.status] ?? 0) + 1;
    const text = answer.body.toString('utf8');
    const headerText = Object.entries(answer.headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    if (answer.status >= 400 && c.method !== 'HEAD' && !/^\s*\{"error":\{"message":/.test(text)) {
      const kind = text.trim() === '' ? 'empty body' : /^\s*[{[]/.test(text) ? 'other JSON' : 'text';
      const k = `${answer.status} ${kind}`;
      report.nonOpenAIErrors[k] = (report.nonOpenAIErrors[k] ?? 0) + 1;
      report.nonOpenAIExamples[k] ??= { request: summary(c).slice(0, 300), body: text.slice(0, 200) };
    }
    // Azure's (and the simulator's) own answers carry apim-request-id, which the proxy passes on;
    // the gateway's and Caddy's never do. The simulator's last-resort 500 ("simulator bug: …",
    // e.g. its own stack overflow on deep nesting) has no Azure headers, so it is named here.
    if (
      answer.status >= 500 &&
      (answer.headers['apim-request-id'] || text.startsWith('{"error":{"message":"simulator bug:'))
    ) {
      report.upstream5xx += 1;
      add({
        kind: 'upstream_5xx',
        family: c.family,
        request: summary(c),
        status: answer.status,
        detail: text.slice(0, 400),
      });
    } else if (answer.status === 500) {
      report.status500 += 1;
      add({ kind: 'status_500', family: c.family, request: summary(c), status: 500, detail: text.slice(0, 400) });
    } else if (answer.status >= 500) {
      report.status5xx += 1;
      add({
        kind: 'status_5xx',
        family: c.family,
        request: summary(c),
        status: answer.status,
        headerBytes,
        detail: text.slice(0, 400),
      });
    }
    // Static UI files are code, not error output; every other answer is checked for stack frames.
    const type = answer.headers['content-type'] ?? '';
    // The admin's log viewer shows log lines, which may carry an error's stack by design (it is
    // behind the admin login); it is still checked for secrets below.
    const isAsset =
      (answer.status === 200 && /javascript|text\/html|text\/css/.test(type)) ||
      (answer.status === 200 && c.path.startsWith('/admin/api/logs'));
    const traceIn = [headerText, isAsset ? '' : text].find((s) => STACK_TRACE.test(s) || INTERNAL_FRAME.test(s));
    if (traceIn !== undefined) {
      report.stackTraces += 1;
      const m = STACK_TRACE.exec(traceIn) ?? INTERNAL_FRAME.exec(traceIn);
      add({
        kind: 'stack_trace',
        family: c.family,
        request: summary(c),
        status: answer.status,
        detail: `…${traceIn.slice(Math.max(0, (m?.index ?? 0) - 150), (m?.index ?? 0) + 150)}…`,
      });
    }
    // A key created by this very request is in its answer by design (shown once).
    let ownKey: string | undefined;
    if (answer.status === 201 && c.path === '/admin/api/keys') {
      try {
        const created = JSON.parse(text) as { key?: unknown; id?: unknown };
        if (typeof created.key === 'string' && typeof created.id === 'string') {
          ownKey = created.key;
          report.keysCreated += 1;
          t.onKeyCreated(created.id, created.key);
        }
      } catch {
        // Not JSON: nothing was created.
      }
    }
    const sentBody = body?.toString('latin1') ?? '';
    for (const s of t.secrets()) {
      if (s.value.length < 8 || s.value === ownKey || sentBody.includes(s.value)) continue;
      if (text.includes(s.value) || headerText.includes(s.value)) {
        report.leaks += 1;
        add({
          kind: 'secret',
          family: c.family,
          request: summary(c),
          status: answer.status,
          detail: `${s.name} appears in the ${text.includes(s.value) ? 'body' : 'headers'} (status ${answer.status})`,
        });
      }
    }
  };

  report.stall = await stallCheck(
    Number(new URL(t.doors.caddy.origin).port),
    Number(new URL(t.doors.proxy.origin).port),
    t.caddyCa,
    t.clientKey,
  );
  for (const [name, door] of [
    ['caddy', t.doors.caddy],
    ['proxy', t.doors.proxy],
  ] as const) {
    report.bodyLimitStatus[name] = await declaredLengthStatus(
      door,
      t.clientKey,
      t.bodyLimitBytes + 1024,
      t.caddyCa,
    ).catch(() => -1);
  }
  // The review's attacks, before the generated cases (their pids are checked along with them).
  const bodies = await bodyAttacks(t.doors.proxy, t.runDir, t.clientKey);
  const slow = await slowClients({
    caddyPort: Number(new URL(t.doors.caddy.origin).port),
    caddyCa: t.caddyCa,
    proxyPort: Number(new URL(t.doors.proxy.origin).port),
    key: t.clientKey,
    timeouts: t.clientTimeouts,
  });
  report.hardening = {
    bodies,
    slow,
    timeouts: t.clientTimeouts,
    slowOpen: slow.reduce((n, r) => n + r.clients - r.closed, 0),
    bodyCrashes: bodies.filter((b) => b.crashed).length,
  };

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++] as FuzzCase;
      await send(c);
      done += 1;
      if (done % PID_CHECK_EVERY === 0) await checkPids(`cases up to #${done}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  report.pidsAfter = await checkPids('the end of the run');
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
