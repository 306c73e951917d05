/**
 * Checks of the admin sign-in settings that the schema cannot express, in words an owner can act
 * on: the issuer must be a URL Entra ID (or another OpenID provider) answers discovery on, the role
 * mapping must not say two things about one claim value, and the local account can only be turned
 * off when Entra ID sign-in is configured (docs/admin-identity.md, "Break-glass").
 */
import type { ConfigIssue } from './errors.js';
import type { Config } from './schema.js';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Why `issuer` cannot be an OpenID Connect issuer, or undefined when it can. */
export function issuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return "is not a URL; Entra ID's is https://login.microsoftonline.com/<tenant id>/v2.0";
  }
  // Plain HTTP only on loopback (a provider on the same machine, as in tests): anywhere else the
  // discovery document and signing keys could be replaced on the way.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
    return 'must start with https:// (plain http is accepted only for a provider on this machine)';
  if (url.search || url.hash) return 'must not have a query or a fragment (#)';
  if (url.username || url.password) return 'must not contain a user name or password';
  if (/\/(common|organizations|consumers)(\/|$)/i.test(url.pathname))
    return "names a multi-tenant endpoint (common, organizations or consumers): use your tenant ID, so only your tenant's accounts can sign in";
  return undefined;
}

/** Problems of `config.server.adminAuth`'s sign-in settings. */
export function adminIdentityIssues(config: Config): ConfigIssue[] {
  const auth = config.server.adminAuth;
  const issues: ConfigIssue[] = [];
  const base = '/server/adminAuth';
  if (auth.oidc) {
    const problem = issuerProblem(auth.oidc.issuer);
    if (problem) issues.push({ path: `${base}/oidc/issuer`, message: problem });
    const seen = new Map<string, string>();
    auth.oidc.roles.forEach((r, i) => {
      const key = `${r.claim}\0${r.value}`;
      const before = seen.get(key);
      if (before !== undefined)
        issues.push({
          path: `${base}/oidc/roles/${i}`,
          message: `maps ${r.claim} "${r.value}" a second time (first to ${before}); keep one line per value`,
        });
      else seen.set(key, r.role);
    });
    if (!auth.oidc.roles.some((r) => r.role === 'owner'))
      issues.push({
        path: `${base}/oidc/roles`,
        message: 'gives no one the owner role: add an app role or group that maps to owner',
      });
  }
  if (!auth.localLogin && !auth.oidc)
    issues.push({
      path: `${base}/localLogin`,
      message: 'can be turned off only when Entra ID sign-in is configured, or nobody could sign in',
    });
  return issues;
}
