/**
 * The admin API client: JSON in and out, the ETag of the config, and one error type that keeps
 * what the API sends back (`issues` of a 400, `steps` of a failed apply). The browser sends the
 * Basic login it already has for this origin; same-origin requests pass the CSRF check.
 */

/** A `{path, message}` validation issue (JSON pointer). */
export interface Issue {
  path: string;
  message: string;
}

/** One step of an apply transaction. */
export interface Step {
  name: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

/** A non-2xx answer of the admin API (or a network failure: status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }

  /** Validation issues of a 400 `invalid_config`. */
  get issues(): Issue[] {
    return asIssues(this.body.issues);
  }

  /** Steps of a failed apply. */
  get steps(): Step[] {
    return asSteps(this.body.steps);
  }

  /** Whether the failed apply put the previous config back. */
  get rolledBack(): boolean | undefined {
    return typeof this.body.rolledBack === 'boolean' ? this.body.rolledBack : undefined;
  }
}

/** A JSON answer and its ETag. */
export interface ApiResult<T> {
  status: number;
  etag: string | null;
  data: T;
}

/** Narrows to a plain object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON value as display text: strings as they are, nothing as ''. */
export function asText(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

/** Narrows an `issues` list. */
export function asIssues(v: unknown): Issue[] {
  return Array.isArray(v)
    ? v.filter(isRecord).map((i) => ({ path: String(i.path ?? ''), message: String(i.message ?? '') }))
    : [];
}

/** Narrows a `steps` list. */
export function asSteps(v: unknown): Step[] {
  return Array.isArray(v)
    ? v.filter(isRecord).map((s) => ({
        name: String(s.name),
        ok: s.ok === true,
        ms: Number(s.ms) || 0,
        ...(typeof s.detail === 'string' ? { detail: s.detail } : {}),
      }))
    : [];
}

/** Calls the admin API (`path` below /admin/api). */
export async function api<T = unknown>(
  method: string,
  path: string,
  opts: { body?: unknown; ifMatch?: string; signal?: AbortSignal } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.ifMatch) headers['if-match'] = opts.ifMatch;
  let res: Response;
  try {
    res = await fetch(`/admin/api${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: opts.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, err instanceof Error ? err.message : String(err), 'network_error', {});
  }
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = text;
  }
  if (!res.ok) {
    const body = isRecord(data) ? data : {};
    const error = isRecord(body.error) ? body.error : {};
    const message = typeof error.message === 'string' ? error.message : `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message, typeof error.code === 'string' ? error.code : null, body);
  }
  return { status: res.status, etag: res.headers.get('etag'), data: data as T };
}

/** GET shortcut returning only the body. */
export async function getJson<T = unknown>(path: string, signal?: AbortSignal): Promise<T> {
  return (await api<T>('GET', path, { signal })).data;
}
