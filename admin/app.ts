/**
 * `buildAdmin()` returns the admin service's Fastify app, not listening: the JSON API under
 * /admin/api (Caddy routes /admin* here unchanged), behind the forwarded-request check (auth
 * disabled), the same-origin check for browsers, and HTTP Basic login; and the web UI that uses it
 * (`/admin`, `/admin/build/<version>/*`, `/admin/assets/*`).
 */
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import { Applier } from './apply/transaction.js';
import { Staging, stagingTimingFromEnv, type StagingTiming } from './apply/staging.js';
import type { CertProbe } from './caddy/cert-probe.js';
import { registerStagedChangeRoutes } from './routes/staged-change.js';
import { AdminAuthenticator, adminAuthOf, type AdminAuthSettings } from './auth/admin-auth.js';
import type { CaddyClient } from './caddy/client.js';
import type { CaddyRenderEnv } from './caddy/caddyfile-render.js';
import { dnsProviders } from './caddy/modules.js';
import type { ConfigStore, StoredConfig } from './config/store.js';
import { validateConfig } from '../common/config/validate.js';
import type { AdminContext } from './context.js';
import { crossOriginReason } from './auth/csrf.js';
import { adminErrorHandler } from './error-handler.js';
import { CrossOriginError, NotFoundError } from './errors.js';
import { LoginThrottle } from './auth/login-throttle.js';
import type { ProxyClient } from './proxy-client.js';
import { registerCaddyRoutes } from './routes/caddy.js';
import { registerConfigRoutes } from './routes/config.js';
import { registerKeyRoutes } from './routes/keys.js';
import { registerObserveRoutes } from './routes/observe.js';
import { registerRequestRoutes } from './routes/requests.js';
import { registerUiRoutes } from './routes/ui.js';
import { registerTeamRoutes } from './routes/teams.js';
import { registerAuditRoutes } from './routes/audit.js';
import { AuditLog } from './audit/audit-log.js';
import { registerAudit } from './audit/hooks.js';
import path from 'node:path';
import { guardRequest } from './identity/guard.js';
import { IdentityStore } from './identity/identity-store.js';
import { Sessions } from './identity/sessions.js';
import { registerTokenRoutes } from './routes/tokens.js';
import { registerIdentityRoutes } from './routes/identity.js';
import { registerSignInRoutes } from './routes/sign-in.js';

/** Inputs of `buildAdmin`. */
export interface AdminAppOptions {
  store: ConfigStore;
  caddy: CaddyClient;
  proxy: ProxyClient;
  renderEnv: CaddyRenderEnv;
  logger: FastifyBaseLogger;
  /** Failed-login bookkeeping (tests pass their own clock or limits). */
  throttle?: LoginThrottle;
  /** The Caddy binary asked for its DNS modules (CADDY_BIN). */
  caddyBin?: string;
  /** The built admin UI folder (default dist/admin/ui, or ADMIN_UI_DIR). */
  uiDir?: string;
  /** The audit log (default: audit.log beside config.json). */
  auditFile?: string;
  /** Announces a config change to the replicas (docs/shared-state.md, "Replicas"). */
  announce?: () => Promise<void>;
  /** Admin API tokens and owner sign-ins (default: admin-identity.json beside config.json). */
  identityFile?: string;
  /** Entra ID sign-in sessions (default: admin-sessions.json beside config.json). */
  sessionsFile?: string;
  /** Staged-change timeout and probe interval (default: STAGED_CHANGE_TIMEOUT_S / STAGED_CHANGE_PROBE_MS). */
  stagingTiming?: StagingTiming;
  /** How a staged change checks a certificate (tests); default a TLS handshake against Caddy. */
  certProbe?: CertProbe;
}

/** A whole config is a few KB; this leaves room for hundreds of keys and models. */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** How the audit log and request log name the caller (principal.actor). */
    adminUser: string | undefined;
  }
  interface FastifyInstance {
    /** The one applier of this admin (its mutex serialises every apply). */
    applier: Applier;
    /** `METHOD /pattern` of every route registered (HEAD excluded), held against the endpoint table. */
    adminRoutes: string[];
    /** Staged domain, TLS and port changes (its `render` is the applier's). */
    staging: Staging;
  }
}

/**
 * The login settings to use with `stored`: its own while it validates; otherwise the last good
 * config's (the proxy serves that one meanwhile), so a broken config.json never locks the admin
 * out of repairing it; otherwise what can be read from it, or undefined.
 */
async function loginSettingsOf(
  stored: StoredConfig,
  store: ConfigStore,
  log: FastifyBaseLogger,
): Promise<AdminAuthSettings | undefined> {
  if (stored.raw !== undefined && validateConfig(stored.raw).ok) return adminAuthOf(stored.raw);
  const good = await store.readLastGood();
  if (good) {
    log.error(
      { file: store.configFile },
      'config.json is broken: admin login uses the last good config (config.last-good.json) until it is repaired',
    );
    return adminAuthOf(good.raw);
  }
  return stored.raw === undefined ? undefined : adminAuthOf(stored.raw);
}

/** The admin app (not listening). */
export function buildAdmin(opts: AdminAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger,
    // One line per request from the onResponse hook below instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Caddy connects from loopback; its X-Forwarded-For then gives the real client address, which
    // login throttling is keyed on (docs/architecture.md, "The proxy and its two listeners").
    trustProxy: '127.0.0.1',
  });
  app.setErrorHandler(adminErrorHandler);
  const routes: string[] = [];
  app.decorate('adminRoutes', routes);
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push(`${m} ${r.url}`);
  });
  app.setNotFoundHandler((req) => {
    throw new NotFoundError(req.method, req.url.split('?')[0] ?? '');
  });
  // `curl -X POST -H 'content-type: application/json'` with no body is a normal way to call the
  // action endpoints (reload, revoke): an empty JSON body means "no body", not an error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400 }));
    }
  });

  const dataDir = path.dirname(opts.store.configFile);
  const sessions = new Sessions({
    file: opts.sessionsFile ?? path.join(dataDir, 'admin-sessions.json'),
    log: opts.logger,
  });
  app.addHook('onClose', async () => sessions.flush());
  let lastSettings: AdminAuthSettings | undefined;
  let lastEtag: string | undefined;
  const settings = async (): Promise<AdminAuthSettings> => {
    try {
      const stored = await opts.store.read();
      if (stored.etag !== lastEtag) {
        lastEtag = stored.etag;
        lastSettings = (await loginSettingsOf(stored, opts.store, opts.logger)) ?? lastSettings;
        // Turning Entra ID sign-in off or pointing it at another issuer or app registration ends
        // the sessions it gave, those on disk from before a restart too (the first read after start).
        if (lastSettings) await sessions.retain(lastSettings.oidc);
      }
    } catch (err) {
      opts.logger.error({ err: (err as Error).message }, 'cannot read config.json for admin login settings');
    }
    // Unreadable or broken config.json and no last good copy: keep the last settings seen; with
    // none, fail closed (enabled, no password: everything is refused).
    return lastSettings ?? { enabled: true, username: 'admin', localLogin: true };
  };
  const throttle = opts.throttle ?? new LoginThrottle();
  const auth = new AdminAuthenticator(settings, throttle, opts.logger);

  const identity = new IdentityStore(opts.identityFile ?? path.join(dataDir, 'admin-identity.json'));
  app.decorateRequest('adminUser', undefined);
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (req: FastifyRequest, reply) => {
    // Cross-origin browser requests are refused before the login is checked, so a hostile page
    // cannot even spend the victim's login attempts; then who is calling, and whether their role
    // may call this endpoint (admin/identity/endpoint-roles.ts).
    const reason = crossOriginReason(req);
    if (reason) throw new CrossOriginError(reason);
    await guardRequest({ settings, basic: auth, sessions, store: identity, throttle }, req, reply);
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        url: req.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        ip: req.ip,
        user: req.adminUser,
      },
      'admin request',
    );
  });

  const audit = new AuditLog(opts.auditFile ?? path.join(dataDir, 'audit.log'), opts.logger);
  const staging = new Staging({
    store: opts.store,
    renderEnv: opts.renderEnv,
    log: opts.logger,
    timing: opts.stagingTiming ?? stagingTimingFromEnv(),
    ...(opts.certProbe ? { probe: opts.certProbe } : {}),
    // A confirm or cancel is recorded by its request; a commit on issuance or a timed-out
    // rollback happens on a timer, so it is recorded here.
    onEnd: (change) => {
      if (change.reason !== 'issued' && change.reason !== 'timed_out') return;
      void audit.append({
        actor: 'admin (staged change)',
        ip: '127.0.0.1',
        action: change.state === 'committed' ? 'staged.commit' : 'staged.rollback',
        outcome: 200,
        details: { reason: change.reason, outcome: change.outcome ?? '' },
      });
    },
  });
  const applier = new Applier({
    store: opts.store,
    caddy: opts.caddy,
    proxy: opts.proxy,
    renderEnv: opts.renderEnv,
    log: opts.logger,
    announce: opts.announce,
    render: (config) => staging.render(config),
  });
  staging.attach(applier);
  app.decorate('staging', staging);
  app.addHook('onClose', async () => staging.changes.stop());
  // The reconciler (admin/apply/reconcile.ts) applies through the same applier, so applies never overlap.
  app.decorate('applier', applier);
  registerAudit(app, audit);
  const ctx: AdminContext = {
    audit,
    identity,
    staging,
    store: opts.store,
    applier,
    caddy: opts.caddy,
    proxy: opts.proxy,
    renderEnv: opts.renderEnv,
    log: opts.logger,
    dnsProviders: () => dnsProviders(opts.caddyBin ?? 'caddy'),
  };
  registerConfigRoutes(app, ctx);
  registerKeyRoutes(app, ctx);
  registerTeamRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerObserveRoutes(app, ctx);
  registerRequestRoutes(app, ctx);
  registerCaddyRoutes(app, ctx);
  registerTokenRoutes(app, ctx);
  registerIdentityRoutes(app, ctx);
  registerSignInRoutes(app, { settings, sessions, identity, audit });
  registerStagedChangeRoutes(app, ctx);
  // The web UI: behind the same login and same-origin checks as the API (the hooks above).
  registerUiRoutes(app, { dir: opts.uiDir });
  return app;
}
