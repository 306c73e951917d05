/**
 * Which modules the installed Caddy was built with, from `caddy list-modules`. The renderer needs
 * it to know whether DNS-01 can be offered: Debian's Caddy has no DNS provider modules, and a
 * Caddyfile naming one fails to adapt with "module not registered" (docs/architecture.md, "DNS-01 only with the DNS module").
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** `caddy list-modules` answers in well under a second; a hung binary must not hang the admin. */
const LIST_MODULES_TIMEOUT_MS = 10_000;
/** A module id: dot-separated lower-case names (`http.handlers.reverse_proxy`, `tls`). */
const MODULE_ID = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/u;
const DNS_PROVIDER_PREFIX = 'dns.providers.';

/** One answer per binary for the life of the process: the binary does not change under us. */
const cache = new Map<string, Promise<string[]>>();

/**
 * Parses the output of `caddy list-modules`: one module id per line, then blank lines and
 * "  Standard modules: N" style totals, which are skipped.
 */
export function parseModuleList(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => MODULE_ID.test(line));
}

/** The module ids of the Caddy at `caddyBin`, cached; a failed run is not cached, so it is retried next time. */
export function listCaddyModules(caddyBin = 'caddy'): Promise<string[]> {
  let pending = cache.get(caddyBin);
  if (!pending) {
    pending = execFileAsync(caddyBin, ['list-modules'], { timeout: LIST_MODULES_TIMEOUT_MS, maxBuffer: 1024 * 1024 })
      .then(({ stdout }) => parseModuleList(stdout));
    pending.catch(() => cache.delete(caddyBin));
    cache.set(caddyBin, pending);
  }
  return pending;
}

/** The DNS provider modules (`dns.providers.*`) of the Caddy at `caddyBin`, for `CaddyRenderEnv.dnsModules`. */
export async function dnsProviders(caddyBin = 'caddy'): Promise<string[]> {
  return (await listCaddyModules(caddyBin)).filter((id) => id.startsWith(DNS_PROVIDER_PREFIX));
}
