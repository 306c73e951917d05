/**
 * A request the server answers without reading its body must not leave the connection parked:
 * RFC 9112 §9.6 lets a server answer early, but it must then read (discard) the rest of the body
 * or close the connection. Two checks, each with its own connections and deadlines:
 *
 * - direct: a POST with an unsupported Content-Type and a 1 MB body straight to the proxy, then
 *   a GET on the same connection: answered (the proxy drained the body), closed, or parked?
 * - through Caddy: the same request from one client, then ordinary requests from other clients
 *   (fresh connections). Caddy pools its connections to the proxy, so a parked one is handed to
 *   the next request, whoever sent it.
 */
import net from 'node:net';
import { request } from 'undici';
import { loopbackTlsAgent } from '../test/harness/loopback-tls.js';

/** What the two checks saw. */
export interface StallReport {
  /**
   * Status of the bad request straight to the proxy, and what became of the connection: drained
   * (the body was read and the next request on it answered), closed, or parked (neither, 10 s).
   */
  direct: { status: number; upload: 'drained' | 'closed' | 'parked' };
  /** Status of the bad request through Caddy, and each follow-up from another client (`200 12 ms` or `timeout 10 s`). */
  viaCaddy: { status: number; followUps: string[] };
  /** True when nothing was parked and every follow-up was answered. */
  ok: boolean;
}

const BODY_BYTES = 1_000_000;
const FOLLOW_UP_TIMEOUT_MS = 10_000;

function directCheck(port: number, key: string): Promise<StallReport['direct']> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    let settled = false;
    const statuses = () => [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    const finish = (upload: StallReport['direct']['upload']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: statuses()[0] ?? 0, upload });
    };
    // Parked: within 10 s neither the second request was answered nor the connection closed.
    const timer = setTimeout(() => finish('parked'), 10_000);
    socket.on('connect', () => {
      socket.write(
        `POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nContent-Type: text/plain\r\nContent-Length: ${BODY_BYTES}\r\n\r\n`,
      );
      // The next request on the same connection goes out once the whole body is written.
      socket.write(Buffer.alloc(BODY_BYTES, 0x61), (err) => {
        if (!err) socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\n\r\n`);
      });
    });
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (statuses().length >= 2) finish('drained');
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish(statuses().length >= 2 ? 'drained' : 'closed'));
  });
}

/** Runs both checks against the stack (Caddy on `httpsPort` with local root `ca`, the proxy on `proxyPort`). */
export async function stallCheck(httpsPort: number, proxyPort: number, ca: string, key: string): Promise<StallReport> {
  const direct = await directCheck(proxyPort, key);
  // A fresh Agent per request: no client connection is shared, only Caddy's own pool is.
  const once = async (
    init: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
    timeoutMs: number,
  ) => {
    const agent = loopbackTlsAgent(ca, { allowH2: false });
    const t0 = Date.now();
    try {
      const res = await request(`https://localhost:${httpsPort}${init.path}`, {
        dispatcher: agent,
        method: init.method as 'GET',
        headers: init.headers,
        body: init.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await res.body.dump();
      return { status: res.statusCode, text: `${res.statusCode} ${Date.now() - t0} ms` };
    } catch {
      return { status: 0, text: `timeout ${(Date.now() - t0) / 1000} s` };
    } finally {
      await agent.close().catch(() => undefined);
    }
  };
  const bad = await once(
    {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/plain' },
      body: Buffer.alloc(BODY_BYTES, 0x61),
    },
    15_000,
  );
  const followUps: string[] = [];
  for (let i = 0; i < 3; i++)
    followUps.push(
      (
        await once(
          { method: 'GET', path: '/v1/models', headers: { authorization: `Bearer ${key}` } },
          FOLLOW_UP_TIMEOUT_MS,
        )
      ).text,
    );
  const viaCaddy = { status: bad.status, followUps };
  return { direct, viaCaddy, ok: direct.upload !== 'parked' && followUps.every((f) => f.startsWith('200')) };
}
