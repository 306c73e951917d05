/**
 * Asks Caddy itself whether it has a certificate for a name: a TLS handshake with that SNI against
 * its HTTPS port on the local address. A 200 from `/load` says nothing about issuance, which is
 * asynchronous and retried (docs/architecture.md, "Certificate state comes from storage"); a
 * handshake that presents a certificate covering the name is what a client will get.
 */
import tls from 'node:tls';

/** The outcome of one probe. */
/** Why a probe found no certificate, as a code the UI words in its own language. */
export type CertProbeCode = 'no_certificate' | 'not_listening' | 'timeout' | 'not_covered' | 'handshake_failed';

export type CertProbeResult =
  | { ok: true }
  | { ok: false; error: string; code?: CertProbeCode; /** Caddy's last ACME error for the name, secrets cut out. */ acmeError?: string };

/** Probes a name on `address:port`; never throws. */
export type CertProbe = (host: string, port: number) => Promise<CertProbeResult>;

const PROBE_TIMEOUT_MS = 5_000;

/** Whether a certificate's subjectaltname (`DNS:a, DNS:*.b`) covers `host`. */
export function certificateCovers(subjectAltName: string | undefined, host: string): boolean {
  const names = (subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase());
  const wanted = host.toLowerCase();
  return names.some((n) => n === wanted || (n.startsWith('*.') && wanted.slice(wanted.indexOf('.')) === n.slice(1)));
}

/** A failed handshake in words: Caddy ends one for a name it has no certificate for with an internal-error alert. */
function handshakeError(err: NodeJS.ErrnoException): CertProbeResult {
  if (/alert internal error|alert number 80/iu.test(err.message))
    return { ok: false, code: 'no_certificate', error: 'Caddy has no certificate for it yet' };
  if (err.code === 'ECONNREFUSED')
    return { ok: false, code: 'not_listening', error: 'nothing listens on the HTTPS port yet' };
  return { ok: false, code: 'handshake_failed', error: `the TLS handshake failed (${err.code ?? err.message})` };
}

/** A probe that connects to `address` (the address Caddy binds, 127.0.0.1 when it binds all). */
export function tlsCertProbe(address: string): CertProbe {
  return (host, port) =>
    new Promise((resolve) => {
      // Not verified against a trust store: the question is whether Caddy has a certificate for
      // the name at all (a staging or test CA is not trusted here), not whether a browser trusts it.
      const socket = tls.connect({ host: address, port, servername: host, rejectUnauthorized: false });
      const done = (result: CertProbeResult) => {
        socket.destroy();
        resolve(result);
      };
      socket.setTimeout(PROBE_TIMEOUT_MS, () => done({ ok: false, code: 'timeout', error: 'the TLS handshake timed out' }));
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate();
        done(
          certificateCovers(cert.subjectaltname, host)
            ? { ok: true }
            : { ok: false, code: 'not_covered', error: `the certificate presented does not cover ${host}` },
        );
      });
      socket.once('error', (err) => done(handshakeError(err)));
    });
}
