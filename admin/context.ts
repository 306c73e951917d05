/** What every admin route needs, built once in `buildAdmin`. */
import type { FastifyBaseLogger } from 'fastify';
import type { Applier } from './apply/transaction.js';
import type { Staging } from './apply/staging.js';
import type { CaddyClient } from './caddy/client.js';
import type { CaddyRenderEnv } from './caddy/caddyfile-render.js';
import type { ConfigStore } from './config/store.js';
import type { ProxyClient } from './proxy-client.js';
import type { AuditLog } from './audit/audit-log.js';
import type { IdentityStore } from './identity/identity-store.js';

/** Shared services of the admin routes. */
export interface AdminContext {
  store: ConfigStore;
  applier: Applier;
  /** Staged domain, TLS and port changes. */
  staging: Staging;
  caddy: CaddyClient;
  proxy: ProxyClient;
  renderEnv: CaddyRenderEnv;
  log: FastifyBaseLogger;
  /** The hash-chained audit log in DATA_DIR. */
  audit: AuditLog;
  /** Admin API tokens and owner sign-ins (DATA_DIR/admin-identity.json). */
  identity: IdentityStore;
  /** DNS provider modules of the installed Caddy (`caddy list-modules`). */
  dnsProviders: () => Promise<string[]>;
}
