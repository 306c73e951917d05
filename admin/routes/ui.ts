/**
 * The admin web UI: a small single-page app built by `npm run build` into `dist/admin/ui`
 * (admin/ui/static copied, admin/ui/src compiled). `GET /admin` and every non-API path under it
 * answer the SPA's index.html (the browser router owns those paths), which loads its files from
 * `/admin/build/<version>/*` (ui-build.ts): those never change under one version, so the browser
 * keeps them and a page load is one request, not one per module. `/admin/assets/*` serves the same
 * files under fixed names, revalidated each time. Every asset comes from this service: the UI
 * works offline and loads nothing else.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../errors.js';
import { etagOf, UiBuilds, type UiFile } from './ui-build.js';

/** Where the built UI lives unless `ADMIN_UI_DIR` says otherwise. */
export const DEFAULT_UI_DIR = path.resolve(import.meta.dirname, '../ui');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/**
 * No inline script or style, nothing from another origin. `img-src blob: data:` is for the
 * Playground's preview of an attached image; `connect-src 'self'` covers the admin API and the
 * gateway's own /v1 (same origin through Caddy).
 */
export const UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

// Asset names are the build's own: letters, digits, dots, dashes, underscores, sub-folders.
const SAFE_ASSET = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

interface CachedFile {
  body: Buffer;
  etag: string;
  mtimeMs: number;
}

/** Options of `registerUiRoutes`. */
export interface UiRouteOptions {
  /** The built UI folder (index.html, app.css, js/…). */
  dir?: string;
  /** The gateway's version, shown on the Overview page (default: package.json's). */
  version?: string;
}

/** The `version` of the package.json two folders up (the repo root, or /app in the image). */
async function packageVersion(): Promise<string> {
  try {
    const pkg: unknown = JSON.parse(
      await fs.readFile(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8'),
    );
    const v = typeof pkg === 'object' && pkg !== null ? (pkg as Record<string, unknown>).version : undefined;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Registers the UI's static routes and its small version endpoint. */
export function registerUiRoutes(app: FastifyInstance, opts: UiRouteOptions = {}): void {
  const dir = opts.dir ?? process.env.ADMIN_UI_DIR ?? DEFAULT_UI_DIR;
  const cache = new Map<string, CachedFile>();
  const startedAt = new Date().toISOString();

  // Files are small and few: read once, re-read when the build replaced them (mtime changed).
  const load = async (rel: string): Promise<CachedFile | undefined> => {
    const file = path.join(dir, rel);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      return undefined;
    }
    if (!stat.isFile()) return undefined;
    const hit = cache.get(rel);
    if (hit && hit.mtimeMs === stat.mtimeMs) return hit;
    const body = await fs.readFile(file);
    const entry = { body, mtimeMs: stat.mtimeMs, etag: etagOf(body) };
    cache.set(rel, entry);
    return entry;
  };

  const builds = new UiBuilds(dir);

  const notFound = (req: FastifyRequest): never => {
    throw new NotFoundError(req.method, req.url.split('?')[0] ?? '');
  };

  const answer = (
    req: FastifyRequest,
    reply: FastifyReply,
    rel: string,
    file: CachedFile | UiFile,
    cacheControl: string,
  ): FastifyReply => {
    void reply.headers(SECURITY_HEADERS);
    void reply.header('content-type', CONTENT_TYPES[path.extname(rel)] ?? 'application/octet-stream');
    void reply.header('cache-control', cacheControl);
    void reply.header('etag', file.etag);
    if (req.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.send(file.body);
  };

  // The page itself is revalidated each time, so an upgraded gateway is picked up at once.
  const page = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const index = (await builds.current())?.files.get('index.html');
    if (index) return answer(req, reply, 'index.html', index, 'no-cache');
    return reply
      .code(503)
      .headers(SECURITY_HEADERS)
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(`The admin UI is not built (no ${path.join(dir, 'index.html')}). Run \`npm run build\`.\n`);
  };

  app.get('/admin', page);
  app.get<{ Params: { version: string; '*': string } }>('/admin/build/:version/*', async (req, reply) => {
    const { version, '*': rel } = req.params;
    const build = builds.byVersion(version) ?? (await builds.current());
    const file = build?.version === version ? build.files.get(rel) : undefined;
    if (!file) return notFound(req);
    // Private: the files are behind the admin login, so only the signed-in browser keeps them.
    return answer(req, reply, rel, file, 'private, max-age=31536000, immutable');
  });
  app.get<{ Params: { '*': string } }>('/admin/assets/*', async (req, reply) => {
    const rel = req.params['*'];
    if (!SAFE_ASSET.test(rel) || rel.split('/').includes('..')) return notFound(req);
    const file = await load(rel);
    return file ? answer(req, reply, rel, file, 'no-cache') : notFound(req);
  });
  app.get<{ Params: { '*': string } }>('/admin/*', (req, reply) => {
    // Unknown API paths stay JSON 404s; everything else is a page of the SPA.
    if (req.params['*'] === 'api' || req.params['*'].startsWith('api/')) return notFound(req);
    return page(req, reply);
  });

  let version: Promise<string> | undefined;
  app.get('/admin/api/version', async (_req, reply) => {
    version ??= opts.version !== undefined ? Promise.resolve(opts.version) : packageVersion();
    return reply.header('cache-control', 'no-store').send({ version: await version, node: process.version, startedAt });
  });
}
