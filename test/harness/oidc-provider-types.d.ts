/** The part of oidc-provider (v9, which ships no types) the test provider uses. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** The Koa context, as far as the test's middleware reads and writes it. */
  export interface ProviderContext {
    path: string;
    method: string;
    status: number;
    body: unknown;
  }

  /** An account as findAccount returns it. */
  export interface Account {
    accountId: string;
    claims: () => Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  /** The configuration fields the test sets. */
  export interface Configuration {
    clients?: Record<string, unknown>[];
    jwks?: { keys: Record<string, unknown>[] };
    findAccount?: (ctx: unknown, id: string) => Account | undefined | Promise<Account | undefined>;
    claims?: Record<string, string[]>;
    conformIdTokenClaims?: boolean;
    features?: Record<string, unknown>;
    pkce?: Record<string, unknown>;
    ttl?: Record<string, number>;
    cookies?: Record<string, unknown>;
  }

  /** An OpenID provider (a Koa application). */
  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    use(fn: (ctx: ProviderContext, next: () => Promise<void>) => Promise<void>): this;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
