/**
 * The admin API of a full stack (test/harness/stack.ts) as scripts use it: `curl -u admin:…` with
 * JSON on 127.0.0.1:ADMIN_PORT, the password read from DATA_DIR/first-run.txt.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import type { Stack } from './stack.js';

/** One admin API answer. */
export interface AdminReply {
  status: number;
  etag: string | undefined;
  body: unknown;
}

/** A client for one stack's admin API. */
export interface StackAdminApi {
  call(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    urlPath: string,
    opts?: { body?: unknown; headers?: Record<string, string> },
  ): Promise<AdminReply>;
  /** GET /admin/api/config: the config (secrets masked) and its ETag; throws unless 200. */
  config(): Promise<{ etag: string; config: Record<string, unknown> }>;
  /** GET the config, let `edit` change it, PUT it back with If-Match; throws unless 200. */
  editConfig(edit: (config: Record<string, unknown>) => void): Promise<AdminReply>;
}

/** The admin password of the last first-run block (init appends one per generated password). */
export async function adminPassword(dataDir: string): Promise<string> {
  const text = await fs.readFile(path.join(dataDir, 'first-run.txt'), 'utf8');
  const all = [...text.matchAll(/^admin password: (\S+)$/gm)];
  const pw = all.at(-1)?.[1];
  if (!pw) throw new Error('no admin password in first-run.txt');
  return pw;
}

/** A client for `stack`'s admin API (Basic auth as user `admin`). */
export async function stackAdminApi(stack: Stack): Promise<StackAdminApi> {
  const auth = `Basic ${Buffer.from(`admin:${await adminPassword(stack.dataDir)}`).toString('base64')}`;
  const base = `http://127.0.0.1:${stack.env.ADMIN_PORT}`;
  const call: StackAdminApi['call'] = async (method, urlPath, opts = {}) => {
    const res = await request(`${base}${urlPath}`, {
      method,
      headers: {
        authorization: auth,
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      headersTimeout: 60_000,
    });
    const text = await res.body.text();
    const etag = res.headers.etag;
    let body: unknown = text;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      // Not JSON: keep the text for the assertion message.
    }
    return { status: res.statusCode, etag: typeof etag === 'string' ? etag : undefined, body };
  };
  const config = async () => {
    const r = await call('GET', '/admin/api/config');
    if (r.status !== 200 || !r.etag || typeof r.body !== 'object' || r.body === null)
      throw new Error(`GET /admin/api/config answered ${r.status}: ${JSON.stringify(r.body)}`);
    return { etag: r.etag, config: r.body as Record<string, unknown> };
  };
  return {
    call,
    config,
    async editConfig(edit) {
      const { etag, config: c } = await config();
      edit(c);
      const r = await call('PUT', '/admin/api/config', { body: c, headers: { 'if-match': etag } });
      if (r.status !== 200) throw new Error(`PUT /admin/api/config answered ${r.status}: ${JSON.stringify(r.body)}`);
      return r;
    },
  };
}
