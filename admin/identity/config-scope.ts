/**
 * What a role may change in the config. An operator's save may change the keys, teams and models
 * (limits and budgets live there) and nothing else; the server settings (TLS, domains, ports, the
 * sign-in settings), the upstreams and the upstream credentials are the owner's. A refused save
 * names each part it would have changed.
 */
import type { ConfigIssue } from '../../common/config/errors.js';
import { isRecord } from '../http-call.js';
import { atLeast, type AdminRole } from './roles.js';

/** Top-level config sections an operator may change. */
export const OPERATOR_SECTIONS = new Set(['apiKeys', 'teams', 'models']);

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

/** The issues (one per section) of `next` that `role` may not make over `stored`; empty when allowed. */
export function outOfScopeChanges(role: AdminRole, stored: unknown, next: unknown): ConfigIssue[] {
  if (atLeast(role, 'owner')) return [];
  const a = isRecord(stored) ? stored : {};
  const b = isRecord(next) ? next : {};
  const sections = new Set([...Object.keys(a), ...Object.keys(b)]);
  const issues: ConfigIssue[] = [];
  for (const k of [...sections].sort()) {
    if (canonical(a[k]) === canonical(b[k])) continue;
    if (role === 'operator' && OPERATOR_SECTIONS.has(k)) continue;
    issues.push({
      path: `/${k}`,
      message:
        role === 'operator'
          ? 'is changed, and only an owner may change it (an operator changes keys, teams and models)'
          : 'is changed, and a viewer changes nothing',
    });
  }
  return issues;
}
