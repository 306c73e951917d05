/**
 * Caddy's admin API as the admin service uses it: `/adapt` (dry run), `/load` (JSON), `/config/`,
 * `/metrics` and `/reverse_proxy/upstreams`, each with a timeout. Caddy's own error message is
 * kept verbatim in `CaddyError` so the API can show ops what Caddy said.
 */
import { httpCall, isRecord, parseJson, type HttpAnswer, type HttpCallOptions, type HttpTarget } from '../http-call.js';

/** /adapt only parses and adapts; seconds are plenty. */
const ADAPT_TIMEOUT_MS = 15_000;
/** /load provisions and starts servers and stops the old ones, waiting up to `grace_period` for open requests. */
const LOAD_TIMEOUT_MS = 60_000;
const READ_TIMEOUT_MS = 5_000;

/** A Caddy answer that means failure, with Caddy's own message. */
export class CaddyError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'CaddyError';
  }
}

/** One adapter warning (`caddy adapt` prints the same). */
export interface AdaptWarning {
  file?: string;
  line?: number;
  directive?: string;
  message: string;
}

/** The result of a dry run: Caddy's JSON config and the adapter's warnings. */
export interface Adapted {
  result: unknown;
  warnings: AdaptWarning[];
}

/** `CADDY_ADMIN` (`localhost:2019`, `tcp/host:port`, `unix//path`, or a URL) as a call target. */
export function caddyAdminTarget(address: string): HttpTarget {
  if (address.startsWith('unix/')) return { baseUrl: 'http://localhost', socketPath: address.slice('unix/'.length) };
  if (/^https?:\/\//.test(address)) return { baseUrl: address.replace(/\/+$/, '') };
  const hostPort = address.startsWith('tcp/') ? address.slice('tcp/'.length) : address;
  return { baseUrl: `http://${hostPort.startsWith(':') ? `localhost${hostPort}` : hostPort}` };
}

function errorMessage(answer: HttpAnswer): string {
  const parsed = parseJson(answer.text);
  if (isRecord(parsed) && typeof parsed.error === 'string') return parsed.error;
  return answer.text.trim().slice(0, 2000) || `HTTP ${answer.status}`;
}

function asWarnings(v: unknown): AdaptWarning[] {
  if (!Array.isArray(v)) return [];
  return v.map((w) => {
    const r = isRecord(w) ? w : {};
    return {
      file: typeof r.file === 'string' ? r.file : undefined,
      line: typeof r.line === 'number' ? r.line : undefined,
      directive: typeof r.directive === 'string' ? r.directive : undefined,
      message: typeof r.message === 'string' ? r.message : JSON.stringify(w),
    };
  });
}

/** A client for one Caddy admin endpoint. */
export class CaddyClient {
  readonly target: HttpTarget;

  constructor(readonly address: string) {
    this.target = caddyAdminTarget(address);
  }

  private async call(path: string, opts: HttpCallOptions): Promise<HttpAnswer> {
    try {
      return await httpCall(this.target, path, opts);
    } catch (err) {
      throw new CaddyError(`Caddy's admin API at ${this.address} did not answer: ${(err as Error).message}`, undefined);
    }
  }

  /** Adapts a Caddyfile to JSON without loading it (the dry run); throws `CaddyError` on a bad file. */
  async adapt(caddyfile: string): Promise<Adapted> {
    const answer = await this.call('/adapt', { method: 'POST', headers: { 'content-type': 'text/caddyfile' }, body: caddyfile, timeoutMs: ADAPT_TIMEOUT_MS });
    if (answer.status !== 200) throw new CaddyError(errorMessage(answer), answer.status);
    const parsed = parseJson(answer.text);
    if (!isRecord(parsed) || !('result' in parsed)) throw new CaddyError(`unexpected /adapt answer: ${answer.text.slice(0, 200)}`, answer.status);
    return { result: parsed.result, warnings: asWarnings(parsed.warnings) };
  }

  /**
   * Loads adapted JSON: 200 with an empty body on success, 400 with Caddy's `{"error":…}` otherwise
   * (Caddy 2.11; 2.6.2 could answer 200 for a failed load, docs/caddy.md). `force` sends
   * `Cache-Control: must-revalidate`, which makes Caddy rebuild its servers even when the config
   * equals the running one.
   */
  async load(config: unknown, force = false): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (force) headers['cache-control'] = 'must-revalidate';
    const answer = await this.call('/load', { method: 'POST', headers, body: JSON.stringify(config), timeoutMs: LOAD_TIMEOUT_MS });
    if (answer.status !== 200) throw new CaddyError(errorMessage(answer), answer.status);
  }

  /** The running config (`GET /config/`), as Caddy holds it. */
  async config(): Promise<unknown> {
    const answer = await this.call('/config/', { timeoutMs: READ_TIMEOUT_MS });
    if (answer.status !== 200) throw new CaddyError(errorMessage(answer), answer.status);
    return parseJson(answer.text);
  }

  /** Prometheus text of the admin API's `/metrics` (active health lives here: docs/architecture.md, "Upstream health comes from /metrics"). */
  async metrics(): Promise<string> {
    const answer = await this.call('/metrics', { timeoutMs: READ_TIMEOUT_MS, maxBytes: 4 * 1024 * 1024 });
    if (answer.status !== 200) throw new CaddyError(errorMessage(answer), answer.status);
    return answer.text;
  }

  /** `GET /reverse_proxy/upstreams`: passive counters per upstream address. */
  async upstreams(): Promise<unknown> {
    const answer = await this.call('/reverse_proxy/upstreams', { timeoutMs: READ_TIMEOUT_MS });
    if (answer.status !== 200) throw new CaddyError(errorMessage(answer), answer.status);
    return parseJson(answer.text);
  }
}
