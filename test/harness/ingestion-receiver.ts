/**
 * A loopback stand-in for Application Insights' ingestion endpoint: takes the Azure Monitor
 * exporter's `POST /v2.1/track` (gzip'd JSON array of envelopes), keeps the envelopes, and
 * answers like Breeze does (every item accepted). HTTPS, because the exporter turns an http://
 * IngestionEndpoint into https://: its self-signed certificate for 127.0.0.1 is added to this
 * process's default trusted CAs.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';

/** A self-signed certificate for 127.0.0.1 (PEM), made with openssl. */
export async function loopbackCertificate(): Promise<{ cert: string; key: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gw-ingest-'));
  try {
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ]);
    return {
      cert: await fs.readFile(path.join(dir, 'cert.pem'), 'utf8'),
      key: await fs.readFile(path.join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** One telemetry item as posted (name is e.g. `Microsoft.ApplicationInsights.Request`). */
export interface Envelope {
  name: string;
  iKey?: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: Record<string, unknown> };
}

/** The running endpoint. */
export interface IngestionReceiver {
  url: string;
  envelopes: Envelope[];
  paths: string[];
  close(): Promise<void>;
}

/** Starts the endpoint on a free loopback port. */
export async function startIngestionReceiver(): Promise<IngestionReceiver> {
  const envelopes: Envelope[] = [];
  const paths: string[] = [];
  const { cert, key } = await loopbackCertificate();
  tls.setDefaultCACertificates([...tls.getCACertificates('default'), cert]);
  const server = https.createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(req.url ?? '');
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const items: unknown = JSON.parse(body.toString('utf8') || '[]');
      const list = Array.isArray(items) ? (items as Envelope[]) : [];
      envelopes.push(...list);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ itemsReceived: list.length, itemsAccepted: list.length, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    envelopes,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
