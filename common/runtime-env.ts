/**
 * The runtime contract (docs/architecture.md, "Runtime contract"): directories and loopback ports from the environment,
 * with the documented defaults. Read once at start by each process's main.ts.
 */
import path from 'node:path';

/** Directories and ports every process agrees on. */
export interface RuntimeEnv {
  dataDir: string;
  runDir: string;
  proxyPort: number;
  internalPort: number;
  adminPort: number;
  /** The Foundry simulator's loopback port (SIMULATOR=1 only). */
  simPort: number;
  caddyAdmin: string;
  bodyLimitBytes: number | undefined;
}

/** The simulator's port when SIM_PORT is not set. */
export const DEFAULT_SIM_PORT = 3003;

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** RUN_DIR, or by default `<DATA_DIR>.run` next to the data folder (the same rule as deploy/entrypoint.sh). */
export function defaultRunDir(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.RUN_DIR || `${dataDir}.run`);
}

/** Reads the runtime contract from `env` (process.env by default). */
export function readRuntimeEnv(env: NodeJS.ProcessEnv = process.env): RuntimeEnv {
  const dataDir = path.resolve(env.DATA_DIR ?? './data');
  const bodyLimit = env.BODY_LIMIT ? Number(env.BODY_LIMIT) : undefined;
  if (bodyLimit !== undefined && (!Number.isInteger(bodyLimit) || bodyLimit < 1024)) {
    throw new Error(`BODY_LIMIT must be a whole number of bytes >= 1024, got "${env.BODY_LIMIT}"`);
  }
  return {
    dataDir,
    // Named after DATA_DIR, so two stacks whose data folders share a parent never share a runtime folder.
    runDir: defaultRunDir(dataDir, env),
    proxyPort: port(env.PROXY_PORT, 3000, 'PROXY_PORT'),
    internalPort: port(env.INTERNAL_PORT, 3002, 'INTERNAL_PORT'),
    adminPort: port(env.ADMIN_PORT, 3001, 'ADMIN_PORT'),
    simPort: port(env.SIM_PORT, DEFAULT_SIM_PORT, 'SIM_PORT'),
    caddyAdmin: env.CADDY_ADMIN ?? 'localhost:2019',
    bodyLimitBytes: bodyLimit,
  };
}

/** Default request body limit (50 MiB), as in the original project. */
export const DEFAULT_BODY_LIMIT_BYTES = 52_428_800;

/**
 * Caddy's body limit is the proxy's plus this much, so the proxy is the one that refuses an
 * oversized body, naming its limit (docs/architecture.md, "Body limit is the proxy's plus 1 MiB").
 */
export const CADDY_BODY_HEADROOM_BYTES = 1_048_576;

/**
 * The proxy's limit on a request's headers, request line included (Node's default, set
 * explicitly). Caddy's limit is higher, so the proxy answers oversized headers in OpenAI's shape
 * (docs/architecture.md, "Caddy's header limit is above the proxy's").
 */
export const PROXY_MAX_HEADER_BYTES = 16_384;
