/**
 * Derives everything the Caddyfile template needs from the config and the runtime environment,
 * validating each value into a `CaddyToken` (see caddyfile-token.ts). The template only lays the
 * model out; every decision (ports, which names get `tls internal`, timeouts, limits) is made here.
 */
import net from 'node:net';
import type { Config } from '../../common/config/schema.js';
import { CADDY_BODY_HEADROOM_BYTES, DEFAULT_BODY_LIMIT_BYTES, PROXY_MAX_HEADER_BYTES } from '../../common/runtime-env.js';
import { CaddyToken, TokenChecker, literalToken } from './caddyfile-token.js';

/** What the renderer needs from the environment (docs/architecture.md, "Runtime contract"). */
export interface CaddyRenderEnv {
  /** CADDY_ADMIN, e.g. localhost:2019. */
  adminAddress: string;
  /** DATA_DIR/caddy: certificates, ACME accounts, the local CA. */
  storageRoot: string;
  /** RUN_DIR/caddy.log: Caddy's own log and the access log, also written to stdout. */
  logFile: string;
  proxyPort: number;
  adminPort: number;
  /** HTTPS_PORT / HTTP_PORT; `server.caddy.httpsPort` / `httpPort` in the config win over these. */
  httpsPort: number;
  httpPort: number;
  /** e.g. 127.0.0.1 for local stacks; absent = all interfaces. */
  bindAddress?: string;
  /** DNS provider modules of the running Caddy, e.g. ['dns.providers.azure'] (admin/caddy/modules.ts). */
  dnsModules: string[];
  /** BODY_LIMIT; `server.bodyLimitBytes` in the config wins over it. */
  bodyLimitBytes?: number;
  /** False on a replica without the admin service: no `/admin*` route (docs/shared-state.md, "Replicas"). */
  withAdmin?: boolean;
  /** TLS_TERMINATION=ingress: a platform ingress in front terminates TLS; Caddy serves the routes on its HTTP port only (docs/deploy-aca.md, "TLS"). */
  tlsAtIngress?: boolean;
}

/** The Azure DNS provider block of caddy-dns/azure (service principal, or managed identity when all three are absent). */
export interface AzureDnsModel {
  subscriptionId: CaddyToken;
  resourceGroupName: CaddyToken;
  tenantId: CaddyToken | null;
  clientId: CaddyToken | null;
  clientSecret: CaddyToken | null;
}

/** A site's own ACME issuer: a staged site whose CA differs from the one the global options name. */
export interface SiteIssuerModel {
  /** The ACME directory; null = Let's Encrypt production. */
  dir: CaddyToken | null;
  trustedRoots: CaddyToken | null;
}

/** One HTTPS site block: its host names (none = catch-all on its port) and how it gets certificates. */
export interface SiteModel {
  hosts: CaddyToken[];
  /** The HTTPS port it listens on: the global one, or another while a port change is staged. */
  port: CaddyToken;
  /** null = the global ACME settings (or the local CA) decide. */
  acmeIssuer: SiteIssuerModel | null;
  tlsInternal: boolean;
  onDemand: boolean;
  dnsAzure: AzureDnsModel | null;
  /** Send Strict-Transport-Security: only for names with a certificate from an ACME CA. */
  hsts: boolean;
}

/** The reverse_proxy transport shared by the proxy and admin routes. */
export interface TransportModel {
  dialTimeout: CaddyToken;
  /** null = no timeout (the proxy's own headers timeout is off, or the config says 0). */
  responseHeaderTimeout: CaddyToken | null;
  keepAlive: CaddyToken;
  idleConns: CaddyToken;
}

/** Caddy's server timeouts toward clients; a null one is not set. */
export interface ClientTimeoutsModel {
  readHeader: CaddyToken | null;
  readBody: CaddyToken | null;
  idle: CaddyToken | null;
}

/** The routes every HTTPS site carries. */
export interface RoutesModel {
  maxBodyBytes: CaddyToken;
  /** The proxy and admin listen on 127.0.0.1 at these ports. */
  proxyPort: CaddyToken;
  /** null when admin auth is disabled: no /admin route at all (admin is then loopback-only). */
  adminPort: CaddyToken | null;
  healthKey: CaddyToken;
  transport: TransportModel;
}

/** The whole render model. */
export interface CaddyfileModel {
  global: {
    admin: CaddyToken;
    storageRoot: CaddyToken;
    logFile: CaddyToken;
    httpPort: CaddyToken;
    httpsPort: CaddyToken;
    defaultBind: CaddyToken | null;
    email: CaddyToken | null;
    acmeCa: CaddyToken | null;
    acmeCaRoot: CaddyToken | null;
    ocspStaplingOff: boolean;
    localCerts: boolean;
    /** Host the on-demand `ask` request goes to (the HTTP site on this Caddy); null without on-demand. */
    onDemandAskHost: CaddyToken | null;
    /** The public side's read timeouts (`servers { timeouts }`); null when all are off. */
    timeouts: ClientTimeoutsModel | null;
    /** Caddy's limit on request headers, above the proxy's. */
    maxHeaderBytes: CaddyToken;
  };
  sites: SiteModel[];
  /** The explicit HTTP site: redirects to HTTPS keeping a non-443 port (docs/architecture.md, "An explicit redirect keeps the HTTPS port"). */
  redirect: {
    httpsPortSuffix: CaddyToken | null;
    /** While a port change is staged: a second HTTP site on the new HTTP port, redirecting to the new HTTPS port. */
    staged: { httpPort: CaddyToken; httpsPortSuffix: CaddyToken | null } | null;
  };
  /** Behind a TLS-terminating ingress the HTTP site serves the routes itself, and there is no HTTPS site. */
  plainHttp: boolean;
  routes: RoutesModel;
}

const STAGING_CA = 'https://acme-staging-v02.api.letsencrypt.org/directory';
/**
 * Caddy's header limit: four times the proxy's, so any header block Caddy accepts and the proxy
 * refuses is answered by the proxy in OpenAI's shape (Caddy's own refusal is plain text), while
 * Caddy still buffers far less than Go's default of 1 MB per connection (docs/architecture.md,
 * "Caddy's header limit is above the proxy's").
 */
const CADDY_MAX_HEADER_BYTES = 4 * PROXY_MAX_HEADER_BYTES;
/** Caddy waits at least this much longer for response headers than the proxy does (docs/architecture.md, "response_header_timeout outlasts the proxy's"). */
const HEADER_TIMEOUT_HEADROOM_MS = 10_000;
/** Idle keep-alive sockets Caddy keeps to the proxy (one upstream, so per host = total). */
const IDLE_CONNS = 64;
const AZURE_DNS_MODULE = 'dns.providers.azure';

/** Names Caddy cannot get a public certificate for: served with `tls internal`. */
function isInternalName(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || net.isIPv4(host);
}

/** Builds and validates the render model; throws `CaddyfileRenderError` listing every problem. */
export function buildCaddyfileModel(config: Config, env: CaddyRenderEnv): CaddyfileModel {
  const t = new TokenChecker();
  const server = config.server;
  const caddy = server?.caddy;
  const acme = caddy?.acme;

  // The config's ports win over HTTPS_PORT / HTTP_PORT (docs/architecture.md, "Public ports").
  const httpsPortValue = caddy?.httpsPort ?? env.httpsPort;
  const httpPortValue = caddy?.httpPort ?? env.httpPort;
  const httpsPortPath = caddy?.httpsPort !== undefined ? '/server/caddy/httpsPort' : 'env:HTTPS_PORT';
  const httpPortPath = caddy?.httpPort !== undefined ? '/server/caddy/httpPort' : 'env:HTTP_PORT';
  const httpsPort = t.port(httpsPortValue, httpsPortPath);
  const httpPort = t.port(httpPortValue, httpPortPath);
  const proxyPort = t.port(env.proxyPort, 'env:PROXY_PORT');
  const adminPort = t.port(env.adminPort, 'env:ADMIN_PORT');
  checkPortsDistinct(t, [
    [httpsPortValue, httpsPortPath],
    [httpPortValue, httpPortPath],
    [env.proxyPort, 'env:PROXY_PORT'],
    [env.adminPort, 'env:ADMIN_PORT'],
  ]);

  const hosts = collectHosts(t, caddy?.domain, caddy?.domains);
  const internalHosts = hosts.filter((h) => isInternalName(h.text));
  const publicHosts = hosts.filter((h) => !isInternalName(h.text));

  const dnsAzure = buildAzureDns(t, acme, env.dnsModules);
  for (const h of publicHosts) {
    // ACME CAs validate a wildcard name only through DNS-01 (letsencrypt.org/docs/challenge-types).
    if (h.text.startsWith('*.') && acme?.dns !== 'azure') t.fail('/server/caddy/domains', `"${h.text}" is a wildcard: it needs server.caddy.acme.dns "azure"`);
  }

  const sites: SiteModel[] = [];
  // Behind a TLS-terminating ingress there is no HTTPS site: the ingress holds the certificate
  // and forwards plain HTTP to httpPort.
  const plainHttp = env.tlsAtIngress === true;
  const site = { port: httpsPort, acmeIssuer: null };
  if (publicHosts.length && !plainHttp)
    sites.push({ ...site, hosts: publicHosts, tlsInternal: false, onDemand: false, dnsAzure, hsts: true });
  if (internalHosts.length && !plainHttp)
    sites.push({ ...site, hosts: internalHosts, tlsInternal: true, onDemand: false, dnsAzure: null, hsts: false });
  // No name at all (docs/architecture.md, "Names without a public certificate use the local CA"): one catch-all site on the
  // HTTPS port whose certificates the local CA issues during the handshake (on-demand). A client
  // that connects to a bare IP sends no SNI; certmagic then issues for the local address.
  const catchAll = hosts.length === 0 && !plainHttp;
  if (catchAll) sites.push({ ...site, hosts: [], tlsInternal: false, onDemand: true, dnsAzure: null, hsts: false });

  const { acmeCa, acmeCaRoot, customCa } = buildAcmeCa(t, acme);
  const defaultBind = env.bindAddress === undefined ? null : t.ipv4(env.bindAddress, 'env:bindAddress');

  const model: CaddyfileModel = {
    global: {
      admin: buildAdminAddress(t, env.adminAddress),
      storageRoot: t.string('absolutePath', env.storageRoot, 'env:storageRoot'),
      logFile: t.string('absolutePath', env.logFile, 'env:logFile'),
      httpPort,
      httpsPort,
      defaultBind,
      email: caddy?.email === undefined || caddy.email === '' ? null : t.string('email', caddy.email, '/server/caddy/email'),
      acmeCa,
      acmeCaRoot,
      // OCSP stapling of local-CA and test-CA certificates only draws warnings (docs/architecture.md, "HTTP/1.1 and HTTP/2 only").
      ocspStaplingOff: customCa || internalHosts.length > 0 || catchAll,
      // With the catch-all, the global `local_certs` (not a site `tls internal`) picks the local CA:
      // Caddy (2.6.2 and 2.11 alike) rejects a global `ocsp_stapling off` beside a host-less
      // `tls internal` site as two conflicting catch-all automation policies.
      localCerts: catchAll,
      // Caddy asks its own HTTP site whether an on-demand name is allowed (see the template); the
      // ask goes to the address that site is bound to.
      onDemandAskHost: catchAll ? (defaultBind ?? t.ipv4('127.0.0.1', 'env:bindAddress')) : null,
      timeouts: buildClientTimeouts(t, caddy?.timeouts),
      maxHeaderBytes: t.integer(CADDY_MAX_HEADER_BYTES, '/server', 1024, 1_048_576),
    },
    sites,
    redirect: { httpsPortSuffix: httpsPortValue === 443 ? null : httpsPort, staged: null },
    plainHttp,
    routes: {
      maxBodyBytes: buildBodyLimit(t, server?.bodyLimitBytes, env.bodyLimitBytes),
      proxyPort,
      adminPort: server?.adminAuth?.enabled === true && env.withAdmin !== false ? adminPort : null,
      healthKey: buildHealthKey(t, server?.healthKey),
      transport: buildTransport(t, config),
    },
  };
  t.throwIfIssues();
  return model;
}

/** CADDY_ADMIN: loopback host:port or a unix socket; the API is never exposed (docs/architecture.md, "The admin API stays on loopback"). */
function buildAdminAddress(t: TokenChecker, address: unknown): CaddyToken {
  const token = t.string('adminAddress', address, 'env:CADDY_ADMIN');
  const port = token.valid && !token.text.startsWith('unix/') ? Number(token.text.slice(token.text.lastIndexOf(':') + 1)) : 1;
  return port >= 1 && port <= 65535 ? token : t.refuse('env:CADDY_ADMIN', 'has a port outside 1-65535');
}

function checkPortsDistinct(t: TokenChecker, ports: [unknown, string][]): void {
  const seen = new Map<unknown, string>();
  for (const [value, path] of ports) {
    const other = seen.get(value);
    if (other !== undefined) t.fail(path, `port ${String(value)} is already used by ${other}`);
    else seen.set(value, path);
  }
}

/** `domain` ∪ `domains`, lower-cased, deduplicated, empty strings dropped; IPv4-like names must be IPv4. */
function collectHosts(t: TokenChecker, domain: unknown, domains: unknown): CaddyToken[] {
  const raw: { value: unknown; path: string }[] = [];
  if (domain !== undefined && domain !== '') raw.push({ value: domain, path: '/server/caddy/domain' });
  if (Array.isArray(domains)) domains.forEach((d: unknown, i) => raw.push({ value: d, path: `/server/caddy/domains/${i}` }));
  else if (domains !== undefined) t.fail('/server/caddy/domains', 'must be a list of host names');
  const seen = new Set<string>();
  const hosts: CaddyToken[] = [];
  for (const { value, path } of raw) {
    const token = t.string('hostname', value, path, (s) => s.toLowerCase());
    if (!token.valid || seen.has(token.text)) continue;
    if (/^[0-9.]+$/u.test(token.text) && !net.isIPv4(token.text)) {
      t.fail(path, 'looks like an IP address but is not a valid IPv4 address');
      continue;
    }
    seen.add(token.text);
    hosts.push(token);
  }
  return hosts;
}

type AcmeSettings = NonNullable<Config['server']['caddy']['acme']>;

function buildAcmeCa(t: TokenChecker, acme: AcmeSettings | undefined): { acmeCa: CaddyToken | null; acmeCaRoot: CaddyToken | null; customCa: boolean } {
  const ca = acme?.ca;
  if (ca === undefined || ca === 'production' || ca === 'staging') {
    if (acme?.caRoot !== undefined) t.fail('/server/caddy/acme/caRoot', 'is used only with a custom ACME CA URL in server.caddy.acme.ca');
    // Production is Caddy's default (Let's Encrypt, with ZeroSSL as fallback when an email is set).
    const acmeCa = ca === 'staging' ? t.string('httpsUrl', STAGING_CA, '/server/caddy/acme/ca') : null;
    return { acmeCa, acmeCaRoot: null, customCa: false };
  }
  return {
    acmeCa: t.string('httpsUrl', ca, '/server/caddy/acme/ca'),
    acmeCaRoot: acme?.caRoot === undefined ? null : t.string('absolutePath', acme.caRoot, '/server/caddy/acme/caRoot'),
    customCa: true,
  };
}

function buildAzureDns(t: TokenChecker, acme: AcmeSettings | undefined, dnsModules: readonly string[]): AzureDnsModel | null {
  if (acme?.dns !== 'azure') {
    if (acme?.dns !== undefined && acme.dns !== 'none') t.fail('/server/caddy/acme/dns', 'must be "none" or "azure"');
    return null;
  }
  // Debian's Caddy has no DNS provider modules; a Caddyfile naming one fails to adapt with
  // "module not registered" (docs/architecture.md, "DNS-01 only with the DNS module"), so say what is missing instead.
  if (!dnsModules.includes(AZURE_DNS_MODULE)) {
    t.fail('/server/caddy/acme/dns', `DNS-01 needs a Caddy built with the Azure DNS module (${AZURE_DNS_MODULE})`);
  }
  const base = '/server/caddy/acme/azure';
  const az = acme.azure;
  if (!az) {
    t.fail(base, 'is required with dns "azure" (subscriptionId and resourceGroupName)');
    return null;
  }
  const optional = (value: unknown, kind: 'azureId' | 'azureSecret', name: string): CaddyToken | null =>
    value === undefined || value === '' ? null : t.string(kind, value, `${base}/${name}`);
  // libdns/azure signs in as a service principal when any of the three is set and with the managed
  // identity when none is: a partial set would fail only at issuance time, so refuse it now.
  const given = [az.tenantId, az.clientId, az.clientSecret].filter((v) => v !== undefined && v !== '').length;
  if (given !== 0 && given !== 3) {
    t.fail(base, 'give tenantId, clientId and clientSecret together (service principal), or none of them (managed identity)');
  }
  return {
    subscriptionId: t.string('azureId', az.subscriptionId, `${base}/subscriptionId`),
    resourceGroupName: t.string('azureResourceGroup', az.resourceGroupName, `${base}/resourceGroupName`),
    tenantId: optional(az.tenantId, 'azureId', 'tenantId'),
    clientId: optional(az.clientId, 'azureId', 'clientId'),
    clientSecret: optional(az.clientSecret, 'azureSecret', 'clientSecret'),
  };
}

function buildHealthKey(t: TokenChecker, healthKey: unknown): CaddyToken {
  if (healthKey === undefined || healthKey === '') {
    return t.refuse('/server/healthKey', 'is required to render the Caddyfile (Caddy sends it with its health checks)');
  }
  return t.string('healthKey', healthKey, '/server/healthKey');
}

function buildBodyLimit(t: TokenChecker, configLimit: unknown, envLimit: number | undefined): CaddyToken {
  const path = configLimit !== undefined ? '/server/bodyLimitBytes' : 'env:BODY_LIMIT';
  const proxyLimit: unknown = configLimit ?? envLimit ?? DEFAULT_BODY_LIMIT_BYTES;
  if (typeof proxyLimit !== 'number' || !Number.isSafeInteger(proxyLimit) || proxyLimit < 1024) {
    return t.integer(proxyLimit, path, 1024, 1_073_741_824);
  }
  return t.integer(proxyLimit + CADDY_BODY_HEADROOM_BYTES, path, 1024, 1_073_741_824 + CADDY_BODY_HEADROOM_BYTES);
}

/**
 * Go's http.Server (inside Caddy) applies `read_header` from the connection's first byte — the TLS
 * handshake included, which Go bounds by the shortest of its read timeouts — and `read_body` to the
 * whole request; neither limits how long a response may take, so streams are untouched (checked
 * on Caddy 2.6 and 2.11: docs/hardening.md, "Slow clients").
 */
function buildClientTimeouts(t: TokenChecker, timeouts: Config['server']['caddy']['timeouts'] | undefined): ClientTimeoutsModel | null {
  const base = '/server/caddy/timeouts';
  const one = (value: unknown, name: string): CaddyToken | null => (value === 0 || value === undefined ? null : t.durationMs(value, `${base}/${name}`));
  const model = { readHeader: one(timeouts?.readHeaderMs, 'readHeaderMs'), readBody: one(timeouts?.readBodyMs, 'readBodyMs'), idle: one(timeouts?.idleMs, 'idleMs') };
  return model.readHeader || model.readBody || model.idle ? model : null;
}

function buildTransport(t: TokenChecker, config: Config): TransportModel {
  const transport = config.server?.caddy?.transport;
  const upstream = config.server?.upstream;
  const base = '/server/caddy/transport';
  // Caddy must not give up on response headers before the proxy does: Azure sends the headers of a
  // non-streamed completion only after generation, and the proxy answers its own headers timeout in
  // OpenAI's shape (docs/architecture.md, "response_header_timeout outlasts the proxy's"). 0 means "no timeout" on both
  // sides, and no timeout is the longest one.
  const proxyHeadersMs: unknown = upstream?.firstByteTimeoutMs ?? upstream?.pool?.headersTimeoutMs;
  const configuredMs: unknown = transport?.responseHeaderTimeoutMs;
  let responseHeaderTimeout: CaddyToken | null = null;
  if (typeof proxyHeadersMs !== 'number' || typeof configuredMs !== 'number') {
    t.fail(`${base}/responseHeaderTimeoutMs`, 'needs numbers in server.caddy.transport.responseHeaderTimeoutMs and server.upstream.firstByteTimeoutMs (or pool.headersTimeoutMs)');
  } else if (proxyHeadersMs !== 0 && configuredMs !== 0) {
    responseHeaderTimeout = t.durationMs(Math.max(configuredMs, proxyHeadersMs + HEADER_TIMEOUT_HEADROOM_MS), `${base}/responseHeaderTimeoutMs`);
  }
  const keepAliveMs: unknown = transport?.keepAliveTimeoutMs;
  return {
    dialTimeout: t.durationMs(transport?.dialTimeoutMs, `${base}/dialTimeoutMs`),
    responseHeaderTimeout,
    // 0 turns keep-alive off instead of "idle forever" (Go's IdleConnTimeout 0), which would outlive
    // the proxy's keep-alive (Caddy's + 5 s) and race its close of idle sockets.
    keepAlive: keepAliveMs === 0 ? literalToken('off') : t.durationMs(keepAliveMs, `${base}/keepAliveTimeoutMs`),
    idleConns: t.integer(IDLE_CONNS, base, 1, 4096),
  };
}
