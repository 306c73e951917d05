/**
 * Which parts of a config decide how the gateway is reached — domains, ACME settings, public
 * ports — and whether a change to them must be staged (docs/caddy.md, "Staged changes"): a new
 * public name (or a new CA) needs a certificate that may never come, and a new port may be closed
 * by a firewall, so either could lock the operator out if applied at once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../../common/config/schema.js';
import { buildCaddyfileModel, type CaddyRenderEnv } from '../caddy/caddyfile-model.js';

/** The fields of `server.caddy` a staged change carries. */
export const ACCESS_FIELDS = ['domain', 'domains', 'email', 'httpsPort', 'httpPort', 'acme'] as const;

/** Values of the access fields (absent ones left out). */
export type AccessFields = Partial<Record<(typeof ACCESS_FIELDS)[number], unknown>>;

/** What a staged change waits for before it is committed. */
export interface StagingNeeds {
  /** Public names that need a certificate they do not have yet. */
  certificates: string[];
  httpsPort: number;
  previousHttpsPort: number;
  httpPort: number;
  previousHttpPort: number;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The access fields of a config (raw or validated). */
export function accessFieldsOf(config: unknown): AccessFields {
  const caddy = record(record(record(config)?.server)?.caddy) ?? {};
  const out: AccessFields = {};
  for (const f of ACCESS_FIELDS) if (caddy[f] !== undefined) out[f] = caddy[f];
  return out;
}

/** A copy of `config` (raw or validated) whose access fields are `fields`, the others untouched. */
export function withAccessFields<T>(config: T, fields: AccessFields): T {
  const copy = structuredClone(config) as Record<string, unknown>;
  const server = (record(copy.server) ?? {}) as Record<string, unknown>;
  const caddy = { ...(record(server.caddy) ?? {}) };
  for (const f of ACCESS_FIELDS) delete caddy[f];
  Object.assign(caddy, structuredClone(fields));
  copy.server = { ...server, caddy };
  return copy as T;
}

/**
 * What staging `after` over `before` must wait for, or null when the change can be applied at once:
 * the same ports, and no public name without a certificate from the CA it is already served by.
 * Names served by the local CA (localhost, IP addresses) get theirs during the handshake.
 */
export function stagingNeeds(before: Config, after: Config, env: CaddyRenderEnv): StagingNeeds | null {
  const was = buildCaddyfileModel(before, env);
  const will = buildCaddyfileModel(after, env);
  // Behind a TLS-terminating ingress the ingress holds the names, certificates and public ports.
  if (was.plainHttp || will.plainHttp) return null;
  const publicNames = (m: typeof was) =>
    m.sites.filter((s) => !s.tlsInternal && !s.onDemand).flatMap((s) => s.hosts.map((h) => h.text));
  const sameIssuer =
    isDeepStrictEqual(before.server.caddy.acme, after.server.caddy.acme) &&
    was.global.localCerts === will.global.localCerts;
  const served = new Set(sameIssuer ? publicNames(was) : []);
  const needs: StagingNeeds = {
    certificates: publicNames(will).filter((h) => !served.has(h)),
    httpsPort: Number(will.global.httpsPort.text),
    previousHttpsPort: Number(was.global.httpsPort.text),
    httpPort: Number(will.global.httpPort.text),
    previousHttpPort: Number(was.global.httpPort.text),
  };
  const portsMove = needs.httpsPort !== needs.previousHttpsPort || needs.httpPort !== needs.previousHttpPort;
  return needs.certificates.length || portsMove ? needs : null;
}
