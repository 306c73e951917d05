/**
 * The credential each upstream is called with: an Entra ID token (DefaultAzureCredential,
 * managed identity, service principal) or an api-key. Credentials and their token caches
 * outlive config reloads when the auth settings did not change, so a reload never refetches.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { TokenCredential } from '@azure/identity';
import type { Config, UpstreamAuth, UpstreamEntry } from '../config/schema.js';
import { TokenCache, type TokenState } from './token-cache.js';

/** Headers that authenticate a request to an upstream. */
export type CredentialHeaders = Record<string, string>;

/** Something that produces auth headers for an upstream and reports its state. */
export interface UpstreamCredential {
  readonly description: string;
  headers(): Promise<CredentialHeaders>;
  state(): TokenState & { mode: string };
}

interface Logger {
  warn(obj: object, msg: string): void;
}

/** The auth block that applies to `upstream`: its own, else the global one (original format). */
export function effectiveAuth(config: Readonly<Config>, upstream: UpstreamEntry): UpstreamAuth {
  return upstream.auth ?? config.auth;
}

class StaticKeyCredential implements UpstreamCredential {
  readonly description = 'api-key';
  constructor(private readonly key: string) {}
  async headers(): Promise<CredentialHeaders> {
    return { 'api-key': this.key };
  }
  state() {
    return { mode: 'apiKey', state: 'ok' as const };
  }
}

class NoCredential implements UpstreamCredential {
  readonly description = 'none';
  async headers(): Promise<CredentialHeaders> {
    return {};
  }
  state() {
    return { mode: 'none', state: 'ok' as const };
  }
}

class MisconfiguredCredential implements UpstreamCredential {
  constructor(
    readonly description: string,
    private readonly problem: string,
  ) {}
  async headers(): Promise<CredentialHeaders> {
    throw new Error(this.problem);
  }
  state() {
    return { mode: this.description, state: 'error' as const, lastError: this.problem };
  }
}

class EntraCredential implements UpstreamCredential {
  private readonly cache: TokenCache;
  constructor(
    readonly description: string,
    credential: TokenCredential,
    scope: string,
  ) {
    this.cache = new TokenCache(credential, scope);
  }
  async headers(): Promise<CredentialHeaders> {
    return { authorization: `Bearer ${await this.cache.get()}` };
  }
  state() {
    return { mode: this.description, ...this.cache.state() };
  }
}

type AzureIdentity = typeof import('@azure/identity');
let azureIdentity: AzureIdentity | undefined;

/**
 * The Azure SDK, loaded the first time an Entra credential is built: with its MSAL dependencies
 * it adds about 20 MB to every process that loads it, and most gateways use api-keys
 * (docs/reports/performance-profile.md). `require` keeps credential building synchronous, so a
 * reload still builds everything before it swaps anything.
 */
function azure(): AzureIdentity {
  azureIdentity ??= createRequire(import.meta.url)('@azure/identity') as AzureIdentity;
  return azureIdentity;
}

function build(auth: UpstreamAuth, log: Logger, upstreamName: string): UpstreamCredential {
  const authorityHost = auth.authorityHost || undefined;
  switch (auth.mode) {
    case 'apiKey':
      return auth.apiKey
        ? new StaticKeyCredential(auth.apiKey)
        : new MisconfiguredCredential('apiKey', 'auth.mode is apiKey but no apiKey is set');
    case 'none':
      return new NoCredential();
    case 'managedIdentity': {
      const clientId = auth.managedIdentityClientId || auth.clientId || undefined;
      const { ManagedIdentityCredential } = azure();
      const cred = clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
      return new EntraCredential(clientId ? `managedIdentity(${clientId})` : 'managedIdentity', cred, auth.scope);
    }
    case 'servicePrincipal':
      if (auth.tenantId && auth.clientId && auth.clientSecret) {
        return new EntraCredential(
          `servicePrincipal(${auth.clientId})`,
          new (azure().ClientSecretCredential)(auth.tenantId, auth.clientId, auth.clientSecret, { authorityHost }),
          auth.scope,
        );
      }
      // The original project fell back to DefaultAzureCredential when these were blank (its sample
      // config ships them empty), so an upgraded deployment keeps working the same way.
      log.warn(
        { upstream: upstreamName },
        'servicePrincipal auth has blank tenantId/clientId/clientSecret: using DefaultAzureCredential',
      );
      return defaultCredential(auth, authorityHost);
    case 'defaultAzureCredential':
      return defaultCredential(auth, authorityHost);
  }
}

function defaultCredential(auth: UpstreamAuth, authorityHost: string | undefined): UpstreamCredential {
  const managedIdentityClientId = auth.managedIdentityClientId || undefined;
  const cred = new (azure().DefaultAzureCredential)(
    managedIdentityClientId ? { managedIdentityClientId, authorityHost } : { authorityHost },
  );
  return new EntraCredential('defaultAzureCredential', cred, auth.scope);
}

function fingerprint(auth: UpstreamAuth): string {
  return createHash('sha256').update(JSON.stringify(auth)).digest('hex');
}

/** Credentials built for a config but not yet in use. */
export interface PreparedCredentials {
  byFingerprint: Map<string, UpstreamCredential>;
  byUpstream: Map<string, UpstreamCredential>;
}

/** An auth block the Azure SDK refused to build a credential from; `path` points at it. */
export class CredentialSetupError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Per-upstream credentials for the current config, reusing unchanged ones across reloads. */
export class CredentialRegistry {
  private byFingerprint = new Map<string, UpstreamCredential>();
  private byUpstream = new Map<string, UpstreamCredential>();

  constructor(private readonly log: Logger) {}

  /**
   * Builds the credentials `config` needs without touching the ones in use (unchanged auth keeps
   * its token cache). Throws `CredentialSetupError` naming the auth block that cannot be built
   * (an Azure SDK constructor refusing a value the schema let through).
   */
  prepare(config: Readonly<Config>): PreparedCredentials {
    const byFingerprint = new Map<string, UpstreamCredential>();
    const byUpstream = new Map<string, UpstreamCredential>();
    config.upstreams.forEach((upstream, i) => {
      const auth = effectiveAuth(config, upstream);
      const fp = fingerprint(auth);
      let cred = byFingerprint.get(fp) ?? this.byFingerprint.get(fp);
      if (!cred) {
        try {
          cred = build(auth, this.log, upstream.name);
        } catch (err) {
          throw new CredentialSetupError(
            upstream.auth ? `/upstreams/${i}/auth` : '/auth',
            `upstream "${upstream.name}": ${err instanceof Error ? err.message : String(err)}`,
          );
        }
      }
      byFingerprint.set(fp, cred);
      byUpstream.set(upstream.name, cred);
    });
    return { byFingerprint, byUpstream };
  }

  /** Puts prepared credentials in use (cannot fail). */
  install(prepared: PreparedCredentials): void {
    this.byFingerprint = prepared.byFingerprint;
    this.byUpstream = prepared.byUpstream;
  }

  /** Points every upstream of `config` at its credential; unchanged auth keeps its token cache. */
  update(config: Readonly<Config>): void {
    this.install(this.prepare(config));
  }

  /** The credential of `upstreamName` (always present for an upstream of the current config). */
  get(upstreamName: string): UpstreamCredential | undefined {
    return this.byUpstream.get(upstreamName);
  }

  /** State per upstream, for /readyz and the stats endpoint; never fetches. */
  states(): Record<string, ReturnType<UpstreamCredential['state']>> {
    return Object.fromEntries([...this.byUpstream].map(([name, c]) => [name, c.state()]));
  }

  /** Fetches every Entra token once in the background so the first request does not wait. */
  warmUp(): void {
    for (const cred of new Set(this.byUpstream.values())) cred.headers().catch(() => undefined);
  }
}
