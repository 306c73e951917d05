/**
 * HTTPS to test host names (`proxy.test`, `gw.localhost`) that no resolver knows: every connection
 * goes to 127.0.0.1 while the URL's host stays the TLS server name, so SNI picks Caddy's site and
 * the certificate is checked against that name — what `curl --resolve` does.
 */
import tls from 'node:tls';
import { Agent, buildConnector } from 'undici';

/**
 * An undici Agent that dials 127.0.0.1 for every origin and verifies the server's certificate for
 * the origin's host name against `ca` (PEM). The loopback guard sees only 127.0.0.1.
 */
export function loopbackTlsAgent(ca: string): Agent {
  const connect = buildConnector({ ca });
  return new Agent({
    connect: (opts, callback) => connect({ ...opts, hostname: '127.0.0.1', servername: opts.hostname }, callback),
  });
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
