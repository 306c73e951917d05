// A managed-identity endpoint speaking the App Service protocol (api-version 2019-08-01), so
// the real @azure/identity → MSAL code path runs in tests instead of a mocked credential.
//
// With IDENTITY_ENDPOINT and IDENTITY_HEADER set, MSAL's AppService source sends
//   GET <IDENTITY_ENDPOINT>?api-version=2019-08-01&resource=<resource>[&client_id=<id>]
//   X-IDENTITY-HEADER: <IDENTITY_HEADER>
// and expects `{access_token, expires_on, resource, token_type, client_id}` with expires_on as
// epoch seconds in a string.
//
// MSAL keeps two process-wide statics (msal-node ManagedIdentityClient.identitySource and
// ManagedIdentityApplication.nodeStorage): the first token request fixes the endpoint, the
// secret and the network client for the rest of the process, and tokens are cached across
// credential instances, keyed by client id and resource. A second endpoint on another port would
// never be called. So every simulator in a process shares one listening endpoint and one token
// registry; each `startIdentitySimulator()` returns a handle on it with its own log, failure mode
// and lifetime (the latest open handle serves requests), and `close()` only detaches the handle.
// The endpoint is unref'd and lives until the process exits.
// https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options for `startIdentitySimulator`. */
export interface IdentitySimulatorOptions {
  /** Token lifetime (default 86,400 s, like real managed-identity tokens). */
  lifetimeSeconds?: number;
  /** Clock in milliseconds, for expiry tests (default Date.now). */
  now?: () => number;
}

/** How the endpoint fails: not at all, with HTTP 500, or by dropping every connection. */
export type IdentityFailMode = 'none' | '500' | 'down';

/** One token request as received. */
export interface IdentityRequest {
  resource: string;
  clientId?: string;
  apiVersion: string;
  /** The X-IDENTITY-HEADER matched. */
  authorized: boolean;
  /** Request headers, names lowercased. */
  headers: Record<string, string>;
}

/** A running managed-identity endpoint. */
export interface IdentitySimulator {
  /** The IDENTITY_ENDPOINT URL. */
  endpoint: string;
  /** The IDENTITY_HEADER secret. */
  header: string;
  /** The variables that make @azure/identity use this endpoint. */
  env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** Every access token this handle handed out, oldest first. */
  tokensIssued: string[];
  /** Every token request this handle received (including refused ones), oldest first. */
  requests: IdentityRequest[];
  /** True when `token` was issued by this endpoint (any handle), has not expired and (if given) was for `resource`. */
  isValid(token: string, resource?: string): boolean;
  /** Switches the failure mode for the following requests. */
  fail(mode: IdentityFailMode): void;
  /** Detaches this handle: it stops receiving requests (the shared endpoint stays up, see above). */
  close(): Promise<void>;
}

/** The client id reported for the system-assigned identity. */
export const SYSTEM_ASSIGNED_CLIENT_ID = '00000000-0000-4000-8000-00000000c11e';

const API_VERSION = '2019-08-01';
const DEFAULT_LIFETIME_SECONDS = 86_400;

/** Per-handle state: what the current test configured and observed. */
interface Handle {
  lifetimeSeconds: number;
  now: () => number;
  mode: IdentityFailMode;
  requests: IdentityRequest[];
  tokensIssued: string[];
}

interface Endpoint {
  url: string;
  secret: string;
}

/** Process-wide: the one endpoint, its open handles (latest serves) and every token issued. */
const handles: Handle[] = [];
const issued = new Map<string, { resource: string; expiresOnSeconds: number }>();
let endpoint: Promise<Endpoint> | undefined;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function serve(req: IncomingMessage, res: ServerResponse, secret: string): void {
  // Between tests no handle may be open while a proxy still refreshes: serve with defaults.
  const handle: Handle = handles.at(-1) ?? {
    lifetimeSeconds: DEFAULT_LIFETIME_SECONDS,
    now: Date.now,
    mode: 'none',
    requests: [],
    tokensIssued: [],
  };
  const url = new URL(req.url ?? '/', 'http://identity.invalid');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const resource = url.searchParams.get('resource') ?? '';
  const clientId = url.searchParams.get('client_id') ?? undefined;
  const apiVersion = url.searchParams.get('api-version') ?? '';
  const authorized = headers['x-identity-header'] === secret;
  handle.requests.push({ resource, ...(clientId !== undefined ? { clientId } : {}), apiVersion, authorized, headers });

  if (handle.mode === 'down') {
    req.socket.destroy();
    return;
  }
  // App Service answers errors as {statusCode, message, correlationId}; MSAL reads `message`.
  const error = (status: number, message: string): void =>
    sendJson(res, status, { statusCode: status, message, correlationId: randomUUID() });
  if (handle.mode === '500') return error(500, 'An unexpected error occured while fetching the AAD Token.');
  if (!authorized) return error(401, 'The X-IDENTITY-HEADER header is missing or does not match.');
  if (req.method !== 'GET' || url.pathname !== '/msi/token') return error(404, 'Not found.');
  if (apiVersion !== API_VERSION) return error(400, `Unsupported api-version '${apiVersion}'; use ${API_VERSION}.`);
  if (resource === '') return error(400, 'The resource query parameter is required.');

  const token = `sim-mi-${randomBytes(24).toString('hex')}`;
  const expiresOnSeconds = Math.floor(handle.now() / 1000) + handle.lifetimeSeconds;
  issued.set(token, { resource, expiresOnSeconds });
  handle.tokensIssued.push(token);
  sendJson(res, 200, {
    access_token: token,
    expires_on: String(expiresOnSeconds),
    resource,
    token_type: 'Bearer',
    client_id: clientId ?? SYSTEM_ASSIGNED_CLIENT_ID,
  });
}

async function listen(): Promise<Endpoint> {
  const secret = randomBytes(16).toString('hex');
  const server: Server = createServer((req, res) => serve(req, res, secret));
  // Neither the endpoint nor its keep-alive connections may keep a finished test process alive.
  server.on('connection', (socket) => socket.unref());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/msi/token`, secret };
}

/** Opens a handle on the process's managed-identity endpoint (starting it on first use). */
export async function startIdentitySimulator(opts: IdentitySimulatorOptions = {}): Promise<IdentitySimulator> {
  endpoint ??= listen();
  const { url, secret } = await endpoint;
  const handle: Handle = {
    lifetimeSeconds: opts.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS,
    now: opts.now ?? Date.now,
    mode: 'none',
    requests: [],
    tokensIssued: [],
  };
  handles.push(handle);
  return {
    endpoint: url,
    header: secret,
    env: { IDENTITY_ENDPOINT: url, IDENTITY_HEADER: secret },
    tokensIssued: handle.tokensIssued,
    requests: handle.requests,
    isValid(token, resource) {
      const entry = issued.get(token);
      if (!entry || entry.expiresOnSeconds * 1000 <= handle.now()) return false;
      return resource === undefined || entry.resource === resource;
    },
    fail(mode) {
      handle.mode = mode;
    },
    async close() {
      const at = handles.indexOf(handle);
      if (at >= 0) handles.splice(at, 1);
    },
  };
}
