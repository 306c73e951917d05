/**
 * HTTPS to test host names (`proxy.test`, `gw.localhost`) that no resolver knows: every connection
 * goes to 127.0.0.1 while the URL's host stays the TLS server name, so SNI picks Caddy's site and
 * the certificate is checked against that name — what `curl --resolve` does.
 */
import tls from 'node:tls';
import OpenAI from 'openai';
import { Agent, buildConnector, FormData as UndiciFormData, fetch as undiciFetch } from 'undici';

/** Options of `loopbackTlsAgent`. */
export interface LoopbackTlsOptions {
  /** Offer HTTP/2 in ALPN (undici's default); false keeps every connection HTTP/1.1. */
  allowH2?: boolean;
  keepAliveTimeout?: number;
}

/**
 * An undici Agent that dials 127.0.0.1 for every origin and verifies the server's certificate for
 * the origin's host name against `ca` (PEM). The loopback guard sees only 127.0.0.1.
 */
export function loopbackTlsAgent(ca: string, opts: LoopbackTlsOptions = {}): Agent {
  // The connector offers ALPN itself: it must be told about h2 too, or it offers h2 whatever the Agent says.
  const connect = buildConnector({ ca, ...(opts.allowH2 === undefined ? {} : { allowH2: opts.allowH2 }) });
  return new Agent({
    connect: (o, callback) => connect({ ...o, hostname: '127.0.0.1', servername: o.hostname }, callback),
    ...(opts.allowH2 === undefined ? {} : { allowH2: opts.allowH2 }),
    ...(opts.keepAliveTimeout === undefined ? {} : { keepAliveTimeout: opts.keepAliveTimeout }),
  });
}

/** A `fetch` for the OpenAI SDK that goes through `agent`. */
export function fetchVia(agent: Agent): typeof globalThis.fetch {
  const viaAgent = (input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, body: asUndiciForm(init?.body), dispatcher: agent });
  // The SDK checks uploads against the fetch's own Response class: Node's, which reads the
  // global FormData the SDK builds; the form is handed to undici in its own FormData.
  return Object.assign(viaAgent, { Response: globalThis.Response }) as unknown as typeof globalThis.fetch;
}

// undici's fetch serialises only its own FormData; the SDK builds Node's global one.
function asUndiciForm<T>(body: T): T | UndiciFormData {
  if (!(body instanceof globalThis.FormData)) return body;
  const form = new UndiciFormData();
  for (const [name, value] of body.entries()) {
    if (typeof value === 'string') form.append(name, value);
    else form.append(name, value, value.name);
  }
  return form;
}

/** The official SDK at `https://<host>:<port>/v1` over a loopback TLS agent trusting `ca`; close() closes the agent. */
export function loopbackSdk(
  host: string,
  port: number | string,
  key: string,
  ca: string,
): { client: OpenAI; close: () => Promise<void> } {
  const agent = loopbackTlsAgent(ca);
  return {
    client: new OpenAI({ baseURL: `https://${host}:${port}/v1`, apiKey: key, maxRetries: 0, fetch: fetchVia(agent) }),
    close: () => agent.close(),
  };
}

/** The SHA-256 fingerprint of the leaf certificate served for `servername` on 127.0.0.1:`port` (verified against `ca`). */
export function servedFingerprint(port: number, servername: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername, ca, ALPNProtocols: ['http/1.1'] }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.once('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error(`TLS handshake with ${servername} timed out`)));
  });
}
