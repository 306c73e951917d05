// Preloaded by the test runner (`node --import ./dist/test/harness/loopback-guard.js --test …`).
//
// Tests must never leave the machine. The classic way they would is @azure/identity: without
// IDENTITY_ENDPOINT, DefaultAzureCredential probes the Azure metadata address 169.254.169.254,
// and a typo in a test's base URL would send a request to the internet. Every client we use
// (undici, Node's bundled fetch, node:http, node:https, node:tls, http2) opens its connection
// through `net.Socket.prototype.connect`, so patching that one method catches them all. The check
// runs before the original `connect`, i.e. before any DNS lookup of the host.
import net from 'node:net';

const INSTALLED = Symbol.for('foundry-gateway.loopback-guard');

/** Prefix of the message of every error the guard raises, for assertions in tests. */
export const LOOPBACK_GUARD_MESSAGE_PREFIX = 'loopback-guard: blocked connection to';

/** Error code the guard sets on the errors it raises (like ECONNREFUSED for a real refusal). */
export const LOOPBACK_GUARD_ERROR_CODE = 'ELOOPBACKGUARD';

const loopbackAddresses = new net.BlockList();
loopbackAddresses.addSubnet('127.0.0.0', 8, 'ipv4');
loopbackAddresses.addAddress('::1', 'ipv6');
// Connecting to the unspecified address reaches the local host on Linux (a server that listens
// on '::' or '0.0.0.0' and a test that dials its reported address); it never leaves the machine.
loopbackAddresses.addAddress('0.0.0.0', 'ipv4');
loopbackAddresses.addAddress('::', 'ipv6');

/** True when connecting to `host` cannot leave this machine (loopback address or `localhost`). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const name = bare.toLowerCase().replace(/\.$/, '');
  // RFC 6761 §6.3: localhost and its subdomains resolve to loopback.
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const family = net.isIP(name);
  if (family === 4) return loopbackAddresses.check(name, 'ipv4');
  // BlockList matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 subnet.
  if (family === 6) return loopbackAddresses.check(name, 'ipv6');
  return false;
}

interface ConnectTarget {
  /** Unix socket path; connections to it never leave the machine. */
  path?: string;
  host: string;
  port: string;
}

/** Reads the destination from any of `Socket#connect`'s call forms. */
function targetOf(args: unknown[]): ConnectTarget {
  // net.connect() passes its already-normalised argument array as the first argument.
  const first = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first, host: '', port: '' };
  if (typeof first === 'number' || typeof first === 'string') {
    const host = typeof args[1] === 'string' ? args[1] : 'localhost';
    return { host, port: String(first) };
  }
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: unknown; host?: unknown; port?: unknown };
    if (typeof options.path === 'string' && options.path !== '') {
      return { path: options.path, host: '', port: '' };
    }
    // Node's own default when no host is given is 'localhost'.
    const host = typeof options.host === 'string' && options.host !== '' ? options.host : 'localhost';
    return { host, port: String(options.port ?? '') };
  }
  return { host: 'localhost', port: '' };
}

type ConnectFn = (this: net.Socket, ...args: unknown[]) => net.Socket;

function install(): void {
  const registry = globalThis as unknown as Record<symbol, boolean | undefined>;
  if (registry[INSTALLED]) return;
  registry[INSTALLED] = true;

  const original = net.Socket.prototype.connect as unknown as ConnectFn;
  const guarded: ConnectFn = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const target = targetOf(args);
    if (target.path !== undefined || isLoopbackHost(target.host)) {
      return original.apply(this, args);
    }
    const error = Object.assign(new Error(`${LOOPBACK_GUARD_MESSAGE_PREFIX} ${target.host}:${target.port}`), {
      code: LOOPBACK_GUARD_ERROR_CODE,
      host: target.host,
      port: target.port,
    });
    // Fail the way a refused connection fails (an async 'error' on the socket), so that every
    // client reports it through its normal error path instead of throwing from `request()`.
    process.nextTick(() => this.destroy(error));
    return this;
  };
  net.Socket.prototype.connect = guarded as unknown as typeof net.Socket.prototype.connect;
}

install();
