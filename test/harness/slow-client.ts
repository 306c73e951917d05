/**
 * Clients that never finish: a TLS handshake left half-way, headers or a body trickled a byte at
 * a time, a declared body that never comes. Each resolves with how the server ended it (closed
 * after how long, what it answered) or that it was still open when the client gave up; every one
 * is bounded in time and sends a few hundred bytes at most, on loopback.
 */
import net from 'node:net';
import tls from 'node:tls';

/** The attacks, by how they stall. */
export type SlowKind = 'handshake' | 'silent' | 'headers' | 'body' | 'no-body';

/** How the server ended a slow client. */
export interface SlowOutcome {
  kind: SlowKind;
  /** False when the connection was still open after `giveUpMs`. */
  closed: boolean;
  afterMs: number;
  /** The status line the server answered with, if any. */
  status?: number;
}

/** Where and how long. */
export interface SlowTarget {
  port: number;
  /** TLS with this CA (PEM) and SNI; plain TCP without. */
  tls?: { ca: string; servername: string };
  giveUpMs: number;
  /** Gap between trickled bytes. */
  trickleMs?: number;
  path?: string;
  headers?: Record<string, string>;
}

function requestHead(target: SlowTarget, complete: boolean, contentLength?: number): string {
  const host = `${target.tls?.servername ?? '127.0.0.1'}:${target.port}`;
  const extra = Object.entries(target.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const length =
    contentLength === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n`;
  return `POST ${target.path ?? '/v1/chat/completions'} HTTP/1.1\r\nHost: ${host}\r\n${extra}${length}${complete ? '\r\n' : ''}`;
}

/** Runs one slow client against `target`. */
export function slowClient(kind: SlowKind, target: SlowTarget): Promise<SlowOutcome> {
  const trickle = target.trickleMs ?? 300;
  return new Promise((resolve) => {
    const started = Date.now();
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ kind, closed, afterMs: Date.now() - started, ...(m ? { status: Number(m[1]) } : {}) });
    };
    const begin = () => {
      if (kind === 'silent') return;
      if (kind === 'headers') {
        socket.write(requestHead(target, false));
        timer = setInterval(() => socket.write('X-Slow: x\r\n'), trickle);
      } else if (kind === 'body') {
        socket.write(requestHead(target, true, 1_000));
        timer = setInterval(() => socket.write('{'), trickle);
      } else if (kind === 'no-body') {
        socket.write(requestHead(target, true, 1_000));
      }
    };
    // A plain TCP connection for the handshake case: the first bytes of a TLS ClientHello, then nothing.
    const socket: net.Socket =
      target.tls && kind !== 'handshake'
        ? tls.connect(
            {
              host: '127.0.0.1',
              port: target.port,
              ca: target.tls.ca,
              servername: target.tls.servername,
              ALPNProtocols: ['http/1.1'],
            },
            begin,
          )
        : net.connect({ host: '127.0.0.1', port: target.port }, () =>
            kind === 'handshake' ? socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02])) : begin(),
          );
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    const giveUp = setTimeout(() => finish(false), target.giveUpMs);
  });
}
