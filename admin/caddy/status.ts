/**
 * What the admin UI shows about Caddy: whether its admin API answers and the config it runs
 * (secrets masked), each configured domain's certificate from storage and last ACME error from
 * caddy.log, upstream health from `/metrics` (docs/architecture.md, "Upstream health comes from /metrics": `/reverse_proxy/upstreams` has
 * only passive counters in 2.6.2), and the recent certificate-management log lines.
 */
import { listenAddresses } from './listeners.js';
import type { CaddyClient } from './client.js';
import { certificateFor, storedNames, type CertificateInfo } from './cert-info.js';
import { filterLines, isAcmeLine, lastAcmeError, tailJsonLines, type LogLine } from './log.js';
import { secretValues } from '../config/secrets.js';
import { isRecord } from '../http-call.js';
import { redactDeep } from '../config/redact.js';

const RECENT_ACME_LINES = 50;

/** Where the status comes from. */
export interface CaddyStatusSources {
  caddy: CaddyClient;
  storageRoot: string;
  logFile: string;
}

/** One upstream as Caddy's active health checker sees it. */
export interface UpstreamHealth {
  upstream: string;
  healthy: boolean;
}

/** The configured host names (`domains` and the original `domain`), lower-cased, without duplicates. */
export function configuredDomains(raw: unknown): string[] {
  const caddy = isRecord(raw) && isRecord(raw.server) && isRecord(raw.server.caddy) ? raw.server.caddy : {};
  const names = [...(Array.isArray(caddy.domains) ? caddy.domains : []), caddy.domain].filter((d): d is string => typeof d === 'string' && d !== '');
  return [...new Set(names.map((d) => d.toLowerCase()))];
}

/** `caddy_reverse_proxy_upstreams_healthy{upstream="…"} 1` lines of Prometheus text. */
export function parseUpstreamHealth(metrics: string): UpstreamHealth[] {
  const out: UpstreamHealth[] = [];
  for (const m of metrics.matchAll(/^caddy_reverse_proxy_upstreams_healthy\{([^}]*)\}\s+(\S+)/gm)) {
    const upstream = /upstream="([^"]*)"/.exec(m[1] ?? '')?.[1];
    if (upstream !== undefined) out.push({ upstream, healthy: Number(m[2]) === 1 });
  }
  return out;
}

function summary(line: LogLine): Record<string, unknown> {
  const ts = typeof line.ts === 'number' ? new Date(line.ts * 1000).toISOString() : line.ts;
  return { time: ts, level: line.level, logger: line.logger, msg: line.msg, error: line.error };
}

/** Gathers Caddy's status; never throws for an unreachable Caddy or a missing log (reported instead). */
export async function caddyStatus(src: CaddyStatusSources, configRaw: unknown): Promise<Record<string, unknown>> {
  const secrets = secretValues(configRaw);
  const api: Record<string, unknown> = { address: src.caddy.address, reachable: false };
  let running: unknown = null;
  try {
    running = redactDeep(await src.caddy.config(), secrets);
    api.reachable = true;
  } catch (err) {
    api.error = (err as Error).message;
  }

  const upstreams: Record<string, unknown> = {};
  if (api.reachable) {
    const [metrics, counters] = await Promise.allSettled([src.caddy.metrics(), src.caddy.upstreams()]);
    if (metrics.status === 'fulfilled') upstreams.health = parseUpstreamHealth(metrics.value);
    else upstreams.healthError = (metrics.reason as Error).message;
    if (counters.status === 'fulfilled') upstreams.counters = counters.value;
    else upstreams.countersError = (counters.reason as Error).message;
  }

  let lines: LogLine[] = [];
  let logError: string | undefined;
  try {
    lines = await tailJsonLines(src.logFile);
  } catch (err) {
    logError = (err as Error).message;
  }
  const configured = configuredDomains(configRaw);
  const names = configured.length ? configured : await storedNames(src.storageRoot);
  const domains: { domain: string; certificate: CertificateInfo; lastAcmeError: Record<string, unknown> | null }[] = [];
  for (const domain of names) {
    const err = lastAcmeError(lines, domain);
    domains.push({ domain, certificate: await certificateFor(src.storageRoot, domain), lastAcmeError: err ? (redactDeep(summary(err), secrets) as Record<string, unknown>) : null });
  }
  const acmeLog = filterLines(lines.filter(isAcmeLine), { limit: RECENT_ACME_LINES }).map((l) => redactDeep(l, secrets));
  return { adminApi: api, config: running, listening: listenAddresses(running), domains, upstreams, acmeLog, logFile: src.logFile, ...(logError ? { logError } : {}) };
}
