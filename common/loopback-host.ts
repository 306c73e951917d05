/**
 * DNS-rebinding defence for listeners that trust "it came from loopback": a page on any site can
 * make the operator's browser send requests to 127.0.0.1 under its own host name. Such requests
 * carry that name in `Host`; ours carry a loopback name.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** True when the Host header names a loopback address (any port), or is absent (HTTP/1.0 tools). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined || host === '') return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  return LOOPBACK_HOSTS.has(name.toLowerCase());
}
