/**
 * Microsoft Entra ID authentication to Azure Cache for Redis / Azure Managed Redis: the password
 * is an access token for `https://redis.azure.com/.default` and the user name is the identity's
 * object id (the token's `oid` claim). Tokens are fetched with `@azure/identity` and pushed to
 * node-redis before they expire, which re-authenticates the open connections (AUTH) instead of
 * waiting for Azure to drop them (docs/shared-state.md, "Entra ID").
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

/** User name and password for AUTH (node-redis' BasicAuth). */
export interface BasicAuth {
  username?: string;
  password?: string;
}

/** What node-redis passes to a streaming credentials provider. */
interface CredentialsListener {
  onNext(credentials: BasicAuth): void;
  onError(e: Error): void;
}

/** The scope Azure's Redis services accept tokens for. */
export const REDIS_SCOPE = 'https://redis.azure.com/.default';
/** Renew this long before expiry (at most; a short-lived token is renewed at 3/4 of its life). */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000;
/** After a failed fetch, try again this soon. */
const RETRY_MS = 5_000;

interface Logger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/** The `oid` claim of a JWT access token, if it is one. */
export function objectIdOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null && 'oid' in claims && typeof claims.oid === 'string')
      return claims.oid;
  } catch {
    // Not a JWT: fall through.
  }
  return undefined;
}

/** When to fetch the next token: 5 minutes before expiry, or at 3/4 of a shorter life. */
export function renewDelayMs(token: AccessToken, now: number): number {
  const life = token.expiresOnTimestamp - now;
  const at = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - Math.min(RENEW_BEFORE_EXPIRY_MS, life / 4);
  return Math.max(1_000, at - now);
}

/** A node-redis credentials provider backed by an Entra ID credential. */
export class EntraRedisCredentials {
  readonly type = 'streaming-credentials-provider' as const;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly credential: TokenCredential,
    private readonly log: Logger,
    /** Used when the token carries no `oid` (the identity's object id is then configured). */
    private readonly fallbackUser?: string,
  ) {}

  async subscribe(listener: CredentialsListener): Promise<[BasicAuth, { dispose: () => void }]> {
    const first = await this.fetch();
    this.schedule(first.token, listener);
    return [first.auth, { dispose: () => this.close() }];
  }

  onReAuthenticationError = (error: Error): void => {
    this.log.warn({ err: error.message }, 'Redis re-authentication with a new Entra ID token failed');
  };

  /** Stops renewing. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async fetch(): Promise<{ token: AccessToken; auth: BasicAuth }> {
    const token = await this.credential.getToken(REDIS_SCOPE);
    if (!token) throw new Error('no Entra ID token for Redis');
    const username = objectIdOf(token.token) ?? this.fallbackUser;
    return { token, auth: { ...(username ? { username } : {}), password: token.token } };
  }

  private schedule(token: AccessToken, listener: CredentialsListener): void {
    if (this.closed) return;
    this.timer = setTimeout(
      () => {
        this.fetch().then(
          (next) => {
            listener.onNext(next.auth);
            this.schedule(next.token, listener);
          },
          (err: unknown) => {
            this.log.warn(
              { err: err instanceof Error ? err.message : String(err) },
              'could not renew the Entra ID token for Redis; retrying',
            );
            // Keep the current token until it expires; try again soon.
            this.schedule({ token: '', expiresOnTimestamp: Date.now() + RETRY_MS + 1_000 }, listener);
          },
        );
      },
      renewDelayMs(token, Date.now()),
    );
    this.timer.unref();
  }
}
