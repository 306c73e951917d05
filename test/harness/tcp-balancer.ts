/**
 * A layer-4 load balancer on loopback, as Azure's load balancers and Container Apps' ingress in
 * TCP mode behave for these tests: each client connection goes to the next backend in turn; a
 * backend that refuses the connection is skipped (its probe would have marked it down), and a
 * backend that dies mid-connection takes that connection down with it (the client sees a reset).
 */
import net from 'node:net';
import type { TestContext } from 'node:test';

/** A running balancer. */
export interface TcpBalancer {
  port: number;
  /** Connections handed to each backend port so far. */
  handed: Map<number, number>;
}

/** Starts a balancer over `backends` (ports on 127.0.0.1); it stops when `t` ends. */
export async function startTcpBalancer(t: TestContext, backends: number[]): Promise<TcpBalancer> {
  let next = 0;
  const handed = new Map<number, number>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.pause();
    const tryFrom = (attempt: number) => {
      if (attempt >= backends.length) return client.destroy();
      const port = backends[next++ % backends.length]!;
      const upstream = net.connect({ host: '127.0.0.1', port });
      let connected = false;
      upstream.once('error', () => {
        if (!connected && !client.destroyed) tryFrom(attempt + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        connected = true;
        handed.set(port, (handed.get(port) ?? 0) + 1);
        sockets.add(upstream);
        upstream.once('close', () => sockets.delete(upstream));
        client.pipe(upstream).on('error', () => undefined);
        upstream.pipe(client).on('error', () => undefined);
        client.once('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        upstream.once('close', () => client.destroy());
        client.resume();
      });
    };
    tryFrom(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address();
  return { port: typeof address === 'object' && address ? address.port : 0, handed };
}
