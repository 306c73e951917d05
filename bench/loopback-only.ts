/**
 * Preloaded into Portkey's gateway (`node --import`): it has a `--port` flag but no host flag,
 * and @hono/node-server's `serve()` listens on every interface when no hostname is given. This
 * makes a listen without a host listen on 127.0.0.1, and the test suite's loopback guard fails
 * any outgoing connection that would leave the machine.
 */
import net from 'node:net';
import '../test/harness/loopback-guard.js';

type ListenFn = (this: net.Server, ...args: unknown[]) => net.Server;
const original = net.Server.prototype.listen as unknown as ListenFn;

const loopbackListen: ListenFn = function (this: net.Server, ...args: unknown[]): net.Server {
  // listen(port[, host][, backlog][, cb]): a missing or undefined host means "all interfaces".
  if (typeof args[0] === 'number' && (args[1] === undefined || typeof args[1] === 'function')) {
    const rest = args[1] === undefined ? args.slice(2) : args.slice(1);
    return original.call(this, args[0], '127.0.0.1', ...rest);
  }
  if (
    typeof args[0] === 'object' &&
    args[0] !== null &&
    !('path' in args[0]) &&
    !('host' in args[0] && (args[0] as { host?: unknown }).host)
  ) {
    return original.call(this, { ...(args[0] as object), host: '127.0.0.1' }, ...args.slice(1));
  }
  return original.apply(this, args);
};
net.Server.prototype.listen = loopbackListen as unknown as typeof net.Server.prototype.listen;
