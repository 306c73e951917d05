/**
 * Conditions that would make the proxy report "not ready" as soon as it loads a config, refused at
 * validation instead: the proxy's readiness (proxy/observe/readiness.ts) fails while an upstream
 * credential is in error, and an api-key upstream without a key is in error from the start
 * (common/credentials/upstream-credentials.ts). Credentials that fail only when used (an Entra ID
 * token that cannot be fetched) cannot be known here; "verify credential" tries those.
 */
import type { ConfigIssue } from '../../common/config/errors.js';
import type { Config } from '../../common/config/schema.js';

/** Issues, in words, for every upstream the proxy would serve as not ready. */
export function notReadyIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.upstreams.forEach((upstream, i) => {
    const own = upstream.auth !== undefined;
    const auth = upstream.auth ?? config.auth;
    if (auth.mode === 'apiKey' && !auth.apiKey) {
      issues.push({
        path: own ? `/upstreams/${i}/auth/apiKey` : '/auth/apiKey',
        message: `Upstream "${upstream.name}" signs in with an API key, but no key is set: enter the key or choose another sign-in method (the gateway would otherwise report "not ready").`,
      });
    }
  });
  return issues;
}
