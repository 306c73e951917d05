/**
 * The addresses Caddy listens on now, read from its running config (`apps.http.servers.*.listen`),
 * so the Domain & TLS page shows the ports actually in use, not only the ones configured.
 */

/** Each listen address of the running config, once, sorted by port (e.g. `:8443`, `127.0.0.1:8080`). */
export function listenAddresses(running: unknown): string[] {
  const servers = (running as { apps?: { http?: { servers?: unknown } } } | null)?.apps?.http?.servers;
  if (!servers || typeof servers !== 'object') return [];
  const found = new Set<string>();
  for (const server of Object.values(servers as Record<string, unknown>)) {
    const listen = (server as { listen?: unknown } | null)?.listen;
    if (!Array.isArray(listen)) continue;
    for (const address of listen) if (typeof address === 'string') found.add(address);
  }
  return [...found].sort((a, b) => portOf(a) - portOf(b) || a.localeCompare(b));
}

function portOf(address: string): number {
  const port = Number(address.slice(address.lastIndexOf(':') + 1).split('-')[0]);
  return Number.isFinite(port) ? port : 0;
}
