/**
 * Checks of `upstreams[]` that a JSON Schema pattern cannot say in words: a base URL that already
 * ends in the API path. The routes append `/openai/v1/<route>` (or a classic path), so
 * `https://x.openai.azure.com/openai/v1` would call `/openai/v1/openai/v1/chat/completions` and
 * get Azure's 404 on every request.
 */
import type { Config } from './schema.js';
import type { ConfigIssue } from './errors.js';

const API_PATH_SUFFIX = /\/openai(\/v1)?\/*$/i;

/** The base URL without a trailing `/openai` or `/openai/v1` (and trailing slashes). */
export function resourceBaseUrl(baseUrl: string): string {
  return baseUrl.replace(API_PATH_SUFFIX, '').replace(/\/+$/, '');
}

/** One issue per upstream whose base URL ends in `/openai` or `/openai/v1`. */
export function upstreamIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  config.upstreams.forEach((u, i) => {
    if (!URL.canParse(u.baseUrl) || !API_PATH_SUFFIX.test(new URL(u.baseUrl).pathname)) return;
    issues.push({
      path: `/upstreams/${i}/baseUrl`,
      message: `ends in the API path; use the resource's address only (${resourceBaseUrl(u.baseUrl)}): the gateway adds /openai/v1/... to each call`,
    });
  });
  return issues;
}
