/**
 * The proxy's internal listener (127.0.0.1:INTERNAL_PORT, never routed by Caddy) as the admin
 * service uses it: reload after a config write, usage statistics, targets and recent logs.
 */
import type { ConfigIssue } from '../common/config/errors.js';
import { httpCall, isRecord, parseJson, type HttpTarget } from './http-call.js';

const RELOAD_TIMEOUT_MS = 15_000;
const READ_TIMEOUT_MS = 10_000;

/** What `/internal/reload` answered. */
export type ProxyReload =
  { status: 'reloaded' | 'unchanged'; warnings: ConfigIssue[] } | { status: 'invalid'; issues: ConfigIssue[] };

/** The proxy did not answer, or answered something that is not its reload contract. */
export class ProxyCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyCallError';
  }
}

function issues(v: unknown): ConfigIssue[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isRecord).map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? '') }));
}

/** A client for the proxy's internal endpoints. */
export class ProxyClient {
  readonly target: HttpTarget;

  /** `internalUrl` is e.g. http://127.0.0.1:3002. */
  constructor(readonly internalUrl: string) {
    this.target = { baseUrl: internalUrl.replace(/\/+$/, '') };
  }

  private async get(path: string, query: Record<string, string | undefined>): Promise<unknown> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, v);
    const qs = params.size ? `?${params}` : '';
    let answer;
    try {
      answer = await httpCall(this.target, `${path}${qs}`, { timeoutMs: READ_TIMEOUT_MS });
    } catch (err) {
      throw new ProxyCallError((err as Error).message);
    }
    const parsed = parseJson(answer.text);
    if (answer.status !== 200 || parsed === undefined)
      throw new ProxyCallError(`${path} answered HTTP ${answer.status}`);
    return parsed;
  }

  /** Tells the proxy to re-read config.json; throws `ProxyCallError` when it cannot be asked. */
  async reload(): Promise<ProxyReload> {
    let answer;
    try {
      answer = await httpCall(this.target, '/internal/reload', { method: 'POST', timeoutMs: RELOAD_TIMEOUT_MS });
    } catch (err) {
      throw new ProxyCallError((err as Error).message);
    }
    const parsed = parseJson(answer.text);
    if (isRecord(parsed)) {
      if ((parsed.status === 'reloaded' || parsed.status === 'unchanged') && answer.status === 200)
        return { status: parsed.status, warnings: issues(parsed.warnings) };
      if (parsed.status === 'invalid') return { status: 'invalid', issues: issues(parsed.issues) };
    }
    throw new ProxyCallError(`/internal/reload answered HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
  }

  /** Usage statistics (`/internal/stats`), passed through as the proxy shapes them. */
  stats(query: Record<string, string | undefined>): Promise<unknown> {
    return this.get('/internal/stats', query);
  }

  /** Usage buckets as rows per series (`/internal/stats/rows`), for CSV export. */
  statsRows(query: Record<string, string | undefined>): Promise<unknown> {
    return this.get('/internal/stats/rows', query);
  }

  /** Quota use, spend, last use of keys and budget alerts (`/internal/governance`). */
  governance(): Promise<unknown> {
    return this.get('/internal/governance', {});
  }

  /** Upstream target and credential state (`/internal/targets`). */
  targets(): Promise<unknown> {
    return this.get('/internal/targets', {});
  }

  /** The proxy's request log, searched (`/internal/requests`). */
  requests(query: Record<string, string | undefined>): Promise<unknown> {
    return this.get('/internal/requests', query);
  }

  /** Recent proxy log lines (`/internal/logs`). */
  logs(query: { limit?: string; level?: string; q?: string }): Promise<unknown> {
    return this.get('/internal/logs', query);
  }
}
