/**
 * A cached Entra ID token for one credential and scope. We wrap `getToken` ourselves instead of
 * `getBearerTokenProvider` because the gateway must *report* the token state (expiry, last
 * error) in /readyz and the admin UI without fetching; the behaviour is the same: tokens are
 * reused until shortly before expiry, refreshed in the background while still valid, and one
 * fetch is shared by every concurrent request.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { withDeadline } from '../deadline.js';

/** Refresh this long before expiry (the Azure SDK's own default window is 2 minutes). */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;
/** After a failed fetch, callers within this window get the same failure instead of a new fetch. */
export const FAILURE_BACKOFF_MS = 1_000;
/** A token fetch that takes longer than this counts as failed. */
export const TOKEN_FETCH_TIMEOUT_MS = 30_000;

/** What /readyz and the admin UI show about a credential. */
export interface TokenState {
  state: 'unused' | 'ok' | 'error';
  expiresAt?: string;
  lastError?: string;
  lastErrorAt?: string;
}

/** One credential + scope, with its cached token. */
export class TokenCache {
  private token: AccessToken | undefined;
  private inFlight: Promise<AccessToken> | undefined;
  private lastError: { message: string; at: number } | undefined;

  constructor(
    private readonly credential: TokenCredential,
    private readonly scope: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token, fetching only when none is cached or it is about to expire. */
  async get(): Promise<string> {
    const t = this.token;
    const now = this.now();
    if (t && now < t.expiresOnTimestamp - 10_000) {
      const refreshAt = t.refreshAfterTimestamp ?? t.expiresOnTimestamp - REFRESH_BEFORE_EXPIRY_MS;
      // Still valid but due: refresh in the background, keep serving the current token. After a
      // failed refresh wait out the back-off, or every request would hit the token endpoint.
      if (now >= refreshAt && !this.inBackoff(now)) this.fetch().catch(() => undefined);
      return t.token;
    }
    if (this.lastError && !this.inFlight && this.inBackoff(now)) throw new Error(this.lastError.message);
    return (await this.fetch()).token;
  }

  private inBackoff(now: number): boolean {
    return !!this.lastError && now - this.lastError.at < FAILURE_BACKOFF_MS;
  }

  /** Starts a fetch unless one is running; every caller shares it. */
  private fetch(): Promise<AccessToken> {
    this.inFlight ??= this.fetchOnce().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async fetchOnce(): Promise<AccessToken> {
    const abort = new AbortController();
    const timer = setTimeout(
      () => abort.abort(new Error(`no token within ${TOKEN_FETCH_TIMEOUT_MS} ms`)),
      TOKEN_FETCH_TIMEOUT_MS,
    );
    try {
      // Some credentials (managed identity through MSAL) ignore the abort signal, so the
      // deadline is enforced here as well.
      const token = await withDeadline(
        this.credential.getToken(this.scope, { abortSignal: abort.signal }),
        TOKEN_FETCH_TIMEOUT_MS,
        undefined,
        `no token within ${TOKEN_FETCH_TIMEOUT_MS} ms`,
      );
      if (!token) throw new Error('the credential returned no token');
      this.token = token;
      this.lastError = undefined;
      return token;
    } catch (err) {
      this.lastError = { message: describeCredentialError(err), at: this.now() };
      throw new Error(this.lastError.message, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  /** The cached state, without fetching. */
  state(): TokenState {
    const s: TokenState = { state: 'unused' };
    if (this.token) {
      s.expiresAt = new Date(this.token.expiresOnTimestamp).toISOString();
      s.state = this.token.expiresOnTimestamp > this.now() ? 'ok' : 'error';
    }
    if (this.lastError) {
      // A failed background refresh while the cached token is still valid is not an outage.
      if (!(this.token && this.token.expiresOnTimestamp > this.now())) s.state = 'error';
      s.lastError = this.lastError.message;
      s.lastErrorAt = new Date(this.lastError.at).toISOString();
    }
    return s;
  }
}

/** The first line of an @azure/identity error: the library's messages are long and multi-line. */
export function describeCredentialError(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  const first = message.split('\n').find((l) => l.trim()) ?? message;
  return `${name}: ${first.trim().slice(0, 500)}`;
}
