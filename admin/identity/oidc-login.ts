/**
 * Sign-in with Entra ID through openid-client: authorization code flow with PKCE (S256), state and
 * nonce, each kept server-side for one pending sign-in; the ID token's signature (JWKS of the
 * issuer), issuer, audience, expiry and nonce are checked by the library. Roles come from the
 * token's `roles` (app roles) and `groups` claims through the configured mapping; an account with
 * no mapped role is refused. docs/admin-identity.md.
 */
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import type { AdminOidcSettings } from '../../common/config/schema.js';
import { highestRole, type AdminRole } from './roles.js';
import type { Principal } from './principal.js';

/** A pending sign-in lives this long (the user types a password, maybe MFA). */
const PENDING_TTL_MS = 10 * 60_000;
const MAX_PENDING = 1000;
/** Discovery and token requests give up after this long. */
const PROVIDER_TIMEOUT_S = 10;
/** A discovery document (and its signing keys) is re-read after this long. */
const DISCOVERY_TTL_MS = 60 * 60_000;

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
  redirectUri: string;
  returnTo: string;
  expiresAt: number;
}

/** Why a sign-in was refused, in words for the person signing in. */
export class SignInRefused extends Error {}

/** The identity an ID token names, and its role. */
export interface SignedIn {
  principal: Principal;
  subject: string;
  issuer: string;
}

function isLoopbackHttp(issuer: string): boolean {
  const u = new URL(issuer);
  return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
}

// openid-client wraps the check that failed ("unexpected JWT "aud" (audience) claim value") in a
// general error; the inner one says which claim.
function innermostMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** The role `claims` map to under `settings`, or undefined. */
export function roleOfClaims(claims: Record<string, unknown>, settings: AdminOidcSettings): AdminRole | undefined {
  const values = { roles: new Set(stringList(claims.roles)), groups: new Set(stringList(claims.groups)) };
  return highestRole(settings.roles.filter((r) => values[r.claim].has(r.value)).map((r) => r.role));
}

/** OpenID Connect sign-in for the admin. */
export class OidcLogin {
  private readonly pending = new Map<string, Pending>();
  private discovered: { key: string; at: number; config: Promise<oidc.Configuration> } | undefined;

  private configuration(s: AdminOidcSettings): Promise<oidc.Configuration> {
    const key = JSON.stringify([s.issuer, s.clientId, s.clientSecret ?? '']);
    const d = this.discovered;
    if (d && d.key === key && Date.now() - d.at < DISCOVERY_TTL_MS) return d.config;
    const config = oidc
      .discovery(
        new URL(s.issuer),
        s.clientId,
        { id_token_signed_response_alg: 'RS256' },
        // A confidential client (a web app registration with a secret), else a public one with PKCE alone.
        s.clientSecret ? oidc.ClientSecretPost(s.clientSecret) : oidc.None(),
        {
          timeout: PROVIDER_TIMEOUT_S,
          ...(isLoopbackHttp(s.issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      )
      .then((c) => {
        // The ID token comes straight from the token endpoint over TLS, where the library may skip
        // its signature (OIDC Core 3.1.3.7); the signature is checked anyway against the issuer's keys.
        oidc.enableNonRepudiationChecks(c);
        return c;
      });
    // A failed discovery is not cached: the next sign-in tries again.
    config.catch(() => {
      if (this.discovered?.config === config) this.discovered = undefined;
    });
    this.discovered = { key, at: Date.now(), config };
    return config;
  }

  /** Starts a sign-in: the provider URL to send the browser to, and the id of the pending sign-in. */
  async start(s: AdminOidcSettings, redirectUri: string, returnTo: string): Promise<{ url: string; id: string }> {
    const config = await this.configuration(s);
    this.prune();
    const verifier = oidc.randomPKCECodeVerifier();
    const pending: Pending = {
      verifier,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      redirectUri,
      returnTo,
      expiresAt: Date.now() + PENDING_TTL_MS,
    };
    const id = randomBytes(24).toString('base64url');
    this.pending.set(id, pending);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
      response_mode: 'query',
    });
    return { url: url.href, id };
  }

  /**
   * Finishes the sign-in `id` with the provider's answer `callbackUrl`: the code is exchanged
   * (PKCE), state and nonce must match, the ID token is verified; the pending sign-in is used up
   * whatever the outcome. Returns the identity and where to go next.
   */
  async finish(
    s: AdminOidcSettings,
    id: string | undefined,
    callbackUrl: URL,
  ): Promise<SignedIn & { returnTo: string }> {
    const pending = id ? this.pending.get(id) : undefined;
    if (id) this.pending.delete(id);
    if (!pending || pending.expiresAt < Date.now())
      throw new SignInRefused('This sign-in was not started here or took too long. Start again.');
    const error = callbackUrl.searchParams.get('error');
    if (error) {
      const description = callbackUrl.searchParams.get('error_description') ?? '';
      throw new SignInRefused(
        `The identity provider refused the sign-in: ${error}${description ? ` (${description})` : ''}.`,
      );
    }
    const config = await this.configuration(s);
    // The provider redirected to the registered URI; the library compares against that, not the Host we were reached on.
    const answered = new URL(pending.redirectUri);
    answered.search = callbackUrl.search;
    let claims: oidc.IDToken | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, answered, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (err) {
      // The provider's own words when it refused the code (error_description), else the check that failed.
      const described = (err as { error_description?: unknown }).error_description;
      const why = typeof described === 'string' ? described : innermostMessage(err);
      throw new SignInRefused(`The sign-in could not be verified: ${why}.`);
    }
    if (!claims) throw new SignInRefused('The identity provider sent no ID token.');
    const role = roleOfClaims(claims, s);
    const str = (k: string) => (typeof claims[k] === 'string' ? claims[k] : undefined);
    const email = str('email') ?? str('preferred_username') ?? str('upn');
    const name = str('name');
    if (!role) {
      // Entra sends `_claim_names` instead of `groups` when a user is in too many groups (overage).
      const overage =
        claims._claim_names !== undefined
          ? ' Your account is in too many groups for the token to list them: use app roles, or assign groups to the application.'
          : '';
      throw new SignInRefused(
        `${email ?? claims.sub} has no role on this gateway. An owner assigns one in Entra ID (app role Gateway.Viewer, Gateway.Operator or Gateway.Owner, or a mapped group).${overage}`,
      );
    }
    const display = name ?? email ?? claims.sub;
    return {
      subject: claims.sub,
      issuer: claims.iss,
      returnTo: pending.returnTo,
      principal: {
        kind: 'oidc',
        actor: `oidc:${claims.sub}${email ? ` ${email}` : ''}${name ? ` (${name})` : ''}`,
        role,
        display,
      },
    };
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, p] of this.pending) if (p.expiresAt < now) this.pending.delete(id);
    // A flood of started sign-ins must not fill memory: the oldest go first.
    for (const id of this.pending.keys()) {
      if (this.pending.size < MAX_PENDING) break;
      this.pending.delete(id);
    }
  }
}
