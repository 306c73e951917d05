/**
 * The Caddyfile render environment from the runtime contract (DESIGN.md): where Caddy's admin
 * API, storage and log live, which ports the proxy and admin use, and the public ports.
 * Shared by the admin service and the `init` step so both render the same file.
 */
import path from 'node:path';
import type { RuntimeEnv } from '../common/runtime-env.js';
import type { CaddyRenderEnv } from './caddyfile-render.js';

function portFrom(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** The render environment for `runtime`, reading HTTPS_PORT, HTTP_PORT and BIND_ADDRESS from `env`. */
export function caddyRenderEnv(runtime: RuntimeEnv, dnsModules: string[], env: NodeJS.ProcessEnv = process.env): CaddyRenderEnv {
  const bind = env.BIND_ADDRESS?.trim();
  return {
    adminAddress: runtime.caddyAdmin,
    storageRoot: path.join(runtime.dataDir, 'caddy'),
    logFile: path.join(runtime.runDir, 'caddy.log'),
    proxyPort: runtime.proxyPort,
    adminPort: runtime.adminPort,
    httpsPort: portFrom(env.HTTPS_PORT, 443, 'HTTPS_PORT'),
    httpPort: portFrom(env.HTTP_PORT, 80, 'HTTP_PORT'),
    ...(bind ? { bindAddress: bind } : {}),
    dnsModules,
    ...(runtime.bodyLimitBytes !== undefined ? { bodyLimitBytes: runtime.bodyLimitBytes } : {}),
  };
}
