/**
 * Certificates in Caddy's storage (DATA_DIR/caddy/certificates/<issuer>/<name>/<name>.crt): the
 * certificate a domain is served with, read from disk because a 200 from /load says nothing about
 * issuance (docs/architecture.md, "Certificate state comes from storage").
 */
import { X509Certificate } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** What the status page shows about one domain's certificate. */
export interface CertificateInfo {
  domain: string;
  found: boolean;
  /** The storage folder of the issuer, e.g. `acme-v02.api.letsencrypt.org-directory` or `local`. */
  issuerDir?: string;
  issuer?: string;
  /** Empty for Caddy's local-CA leaves, which carry their names only in subjectAltName. */
  subject?: string;
  /** The DNS names and IP addresses of subjectAltName. */
  names?: string[];
  notBefore?: string;
  notAfter?: string;
  daysLeft?: number;
  error?: string;
}

/** Caddy (certmagic) stores `*.example.com` as `wildcard_.example.com`. */
export function storageName(domain: string): string {
  return domain.toLowerCase().replace(/^\*\./, 'wildcard_.');
}

async function dirs(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

function describe(domain: string, issuerDir: string, pem: string, now: number): CertificateInfo {
  const cert = new X509Certificate(pem); // the leaf: the first certificate of the chain
  const notAfter = Date.parse(cert.validTo);
  // @types/node says string, but Node returns undefined for an empty subject (Caddy's local leaves).
  return {
    domain,
    found: true,
    issuerDir,
    issuer: (cert.issuer ?? '').replaceAll('\n', ', '),
    subject: (cert.subject ?? '').replaceAll('\n', ', '),
    names: (cert.subjectAltName ?? '').split(', ').filter(Boolean).map((n) => n.replace(/^(DNS|IP Address):/, '')),
    notBefore: new Date(Date.parse(cert.validFrom)).toISOString(),
    notAfter: new Date(notAfter).toISOString(),
    daysLeft: Math.floor((notAfter - now) / 86_400_000),
  };
}

/** The certificate stored for `domain` (the one that expires last when several issuers hold one). */
export async function certificateFor(storageRoot: string, domain: string, now = Date.now()): Promise<CertificateInfo> {
  const name = storageName(domain);
  const base = path.join(storageRoot, 'certificates');
  let best: CertificateInfo | undefined;
  let error: string | undefined;
  for (const issuerDir of await dirs(base)) {
    let pem: string;
    try {
      pem = await fs.readFile(path.join(base, issuerDir, name, `${name}.crt`), 'utf8');
    } catch {
      continue;
    }
    try {
      const info = describe(domain, issuerDir, pem, now);
      if (!best || (info.notAfter ?? '') > (best.notAfter ?? '')) best = info;
    } catch (err) {
      error = `cannot parse ${issuerDir}/${name}/${name}.crt: ${(err as Error).message}`;
    }
  }
  return best ?? { domain, found: false, ...(error ? { error } : {}) };
}

/** Every name with a stored certificate (for a config with no domain: the IP or catch-all certificates). */
export async function storedNames(storageRoot: string, max = 50): Promise<string[]> {
  const base = path.join(storageRoot, 'certificates');
  const names = new Set<string>();
  for (const issuerDir of await dirs(base)) for (const n of await dirs(path.join(base, issuerDir))) names.add(n.replace(/^wildcard_\./, '*.'));
  return [...names].sort().slice(0, max);
}
