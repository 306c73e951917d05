/**
 * Caddy and upstream checks: `GET /admin/api/caddy/status`, `GET /admin/api/dns-providers` and
 * `POST /admin/api/upstreams/:name/verify` (fetch a token with the upstream's credential).
 */
import type { FastifyInstance } from 'fastify';
import { validateConfig } from '../../common/config/validate.js';
import { caddyStatus } from '../caddy/status.js';
import { readStored } from '../config/saves.js';
import type { AdminContext } from '../context.js';
import { verifyUpstreamCredential } from '../config/credential-check.js';
import { invalidConfig } from '../config/edit.js';

const AZURE_DNS_MODULE = 'dns.providers.azure';

/** Registers the Caddy status, DNS provider and credential check routes. */
export function registerCaddyRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get('/admin/api/caddy/status', async () => {
    const stored = await readStored(ctx.store).catch(() => undefined);
    return caddyStatus(
      { caddy: ctx.caddy, storageRoot: ctx.renderEnv.storageRoot, logFile: ctx.renderEnv.logFile },
      stored?.raw,
    );
  });

  app.get('/admin/api/dns-providers', async () => {
    let providers: string[] = [];
    let error: string | undefined;
    try {
      providers = await ctx.dnsProviders();
    } catch (err) {
      error = `could not run caddy list-modules: ${(err as Error).message}`;
    }
    const azure = providers.includes(AZURE_DNS_MODULE);
    // Debian's Caddy has no DNS provider modules (docs/architecture.md, "DNS-01 only with the DNS module").
    const message = azure
      ? 'DNS-01 with Azure DNS is available (wildcard certificates, no inbound port 80 needed).'
      : `DNS-01 needs a Caddy built with the Azure DNS module (${AZURE_DNS_MODULE}, e.g. xcaddy build --with github.com/caddy-dns/azure); this Caddy has ${providers.length ? providers.join(', ') : 'no DNS provider modules'}. HTTP-01/TLS-ALPN-01 still work for names that reach this host.`;
    return { providers, azure, message, ...(error ? { error } : {}) };
  });

  app.post<{ Params: { name: string } }>('/admin/api/upstreams/:name/verify', async (req) => {
    const stored = await readStored(ctx.store);
    const result = validateConfig(stored.raw);
    if (!result.ok) invalidConfig(result.issues, 'The stored config is invalid; fix it before verifying credentials.');
    return verifyUpstreamCredential(result.config, req.params.name, ctx.log);
  });
}
