/**
 * The Caddyfile model of a staged access change (docs/caddy.md, "Staged changes"): every site of
 * the committed config keeps serving on its port with its certificates, and the sites of the
 * target config are added beside it — on the new HTTPS port when that changes, with their own
 * ACME issuer when their CA differs from the committed one. The global options (ACME CA, e-mail,
 * local CA, on-demand check) stay the committed config's, so no certificate that serves today is
 * looked up under another issuer.
 */
import type { Config } from '../../common/config/schema.js';
import { buildCaddyfileModel, type CaddyRenderEnv, type CaddyfileModel, type SiteModel } from './caddyfile-model.js';
import type { CaddyToken } from './caddyfile-token.js';

const siteKey = (hosts: readonly CaddyToken[], port: CaddyToken): string[] =>
  hosts.length ? hosts.map((h) => `${h.text}:${port.text}`) : [`*:${port.text}`];

function sameIssuer(a: CaddyfileModel['global'], b: CaddyfileModel['global']): boolean {
  return a.acmeCa?.text === b.acmeCa?.text && a.acmeCaRoot?.text === b.acmeCaRoot?.text && a.localCerts === b.localCerts;
}

/** Builds the bridge model; throws `CaddyfileRenderError` when either config cannot be rendered. */
export function buildBridgeModel(committed: Config, target: Config, env: CaddyRenderEnv): CaddyfileModel {
  const before = buildCaddyfileModel(committed, env);
  const after = buildCaddyfileModel(target, env);
  const served = new Set(before.sites.flatMap((s) => siteKey(s.hosts, s.port)));
  const ownIssuer = !sameIssuer(before.global, after.global);
  const added: SiteModel[] = [];
  for (const site of after.sites) {
    const hosts = site.hosts.filter((h) => !served.has(`${h.text}:${site.port.text}`));
    if (site.hosts.length && !hosts.length) continue;
    if (!site.hosts.length && served.has(`*:${site.port.text}`)) continue;
    // A public name whose CA is not the global one gets it at site level; local-CA sites need none.
    const publicAcme = !site.tlsInternal && !site.onDemand;
    const acmeIssuer =
      publicAcme && ownIssuer ? { dir: after.global.acmeCa, trustedRoots: after.global.acmeCaRoot } : null;
    added.push({ ...site, hosts, acmeIssuer });
  }
  const httpMoves = before.global.httpPort.text !== after.global.httpPort.text;
  // A new catch-all needs the local CA's global options (on-demand issuing and its check). They
  // would hand the current public names to the local CA too, so those name their own issuer.
  const takeLocalCa = added.some((site) => site.onDemand) && !before.global.localCerts;
  const current = takeLocalCa
    ? before.sites.map((site) =>
        site.tlsInternal || site.onDemand
          ? site
          : { ...site, acmeIssuer: { dir: before.global.acmeCa, trustedRoots: before.global.acmeCaRoot } },
      )
    : before.sites;
  const localCa = takeLocalCa
    ? {
        localCerts: true,
        onDemandAskHost: after.global.onDemandAskHost,
        ocspStaplingOff: true,
        acmeCa: null,
        acmeCaRoot: null,
      }
    : {};
  return {
    ...before,
    global: { ...before.global, email: after.global.email ?? before.global.email, ...localCa },
    sites: [...current, ...added],
    redirect: {
      ...before.redirect,
      staged: httpMoves
        ? { httpPort: after.global.httpPort, httpsPortSuffix: after.redirect.httpsPortSuffix }
        : null,
    },
  };
}
