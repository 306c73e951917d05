/**
 * The Caddyfile render environment from the runtime contract (docs/architecture.md, "Runtime contract"): the admin service and
 * `init` build it the same way, so both render the same file.
 */
import path from 'node:path';
import type { CaddyRenderEnv } from './caddyfile-render.js';
import { dnsProviders } from './modules.js';
import { readRuntimeEnv, type RuntimeEnv } from '../../common/runtime-env.js';

function portVar(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** The render environment for `runtime` (readRuntimeEnv) plus HTTPS_PORT, HTTP_PORT and BIND_ADDRESS from `env`. */
export function caddyRenderEnv(runtime: RuntimeEnv, dnsModules: string[], env: NodeJS.ProcessEnv = process.env): CaddyRenderEnv {
  const bind = env.BIND_ADDRESS?.trim();
  return {
    adminAddress: runtime.caddyAdmin,
    storageRoot: path.join(runtime.dataDir, 'caddy'),
    logFile: path.join(runtime.runDir, 'caddy.log'),
    proxyPort: runtime.proxyPort,
    adminPort: runtime.adminPort,
    httpsPort: portVar(env, 'HTTPS_PORT', 443),
    httpPort: portVar(env, 'HTTP_PORT', 80),
    ...(bind ? { bindAddress: bind } : {}),
    dnsModules,
    ...(env.TLS_TERMINATION === 'ingress' ? { tlsAtIngress: true } : {}),
    ...(runtime.bodyLimitBytes !== undefined ? { bodyLimitBytes: runtime.bodyLimitBytes } : {}),
  };
}

/**
 * Reads the environment and asks the installed Caddy (CADDY_BIN, else `caddy` on PATH) for its DNS
 * provider modules; a Caddy that cannot be asked counts as having none (DNS-01 is then refused
 * with a clear message at render time).
 */
export async function loadRenderEnv(env: NodeJS.ProcessEnv = process.env): Promise<CaddyRenderEnv> {
  const dnsModules = await dnsProviders(env.CADDY_BIN || 'caddy').catch(() => []);
  return caddyRenderEnv(readRuntimeEnv(env), dnsModules, env);
}
