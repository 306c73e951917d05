/**
 * Validation of a parsed config: the JSON Schema (ajv, defaults applied) and then the checks a
 * schema cannot express (references between sections, duplicates). Returns every problem as a
 * `{path, message}` list with JSON pointers, never throws for bad input.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { ConfigSchema, type Config } from './schema.js';
import type { ConfigIssue } from './errors.js';
import { adminIdentityIssues } from './admin-identity-issues.js';
import { upstreamIssues } from './upstream-checks.js';

// verbose: errors carry their schema node, whose `patternHelp` says in words what a pattern wants.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, coerceTypes: false, verbose: true });
const validateSchema = ajv.compile<Config>(ConfigSchema);

export type ValidationResult = { ok: true; config: Config } | { ok: false; issues: ConfigIssue[] };

/** Validates (a deep copy of) `raw`; on success the copy has every default filled in. */
export function validateConfig(raw: unknown): ValidationResult {
  const candidate: unknown = structuredClone(raw);
  if (!validateSchema(candidate)) {
    return { ok: false, issues: (validateSchema.errors ?? []).map(describeAjvError) };
  }
  const issues = crossReferenceIssues(candidate);
  return issues.length ? { ok: false, issues } : { ok: true, config: candidate };
}

function describeAjvError(e: ErrorObject): ConfigIssue {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') {
    return { path: `${e.instancePath}/${String(params.additionalProperty)}`, message: 'is not a known setting' };
  }
  if (e.keyword === 'required') {
    return { path: `${e.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
  }
  if (e.keyword === 'pattern') {
    const help: unknown = (e.parentSchema as Record<string, unknown> | undefined)?.patternHelp;
    if (typeof help === 'string') return { path: e.instancePath, message: `must be ${help}` };
    return { path: e.instancePath, message: 'has characters or a form that is not allowed here' };
  }
  return { path: e.instancePath, message: e.message ?? 'is invalid' };
}

function duplicates<T>(items: T[], key: (item: T) => string, basePath: string, what: string): ConfigIssue[] {
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) issues.push({ path: `${basePath}/${i}`, message: `duplicate ${what} "${k}"` });
    seen.add(k);
  });
  return issues;
}

function crossReferenceIssues(config: Config): ConfigIssue[] {
  const issues: ConfigIssue[] = [
    ...duplicates(config.upstreams, (u) => u.name, '/upstreams', 'upstream name'),
    ...duplicates(config.models, (m) => m.id, '/models', 'model id'),
    ...duplicates(config.apiKeys, (k) => k.id, '/apiKeys', 'key id'),
    ...duplicates(config.teams, (t) => t.id, '/teams', 'team id'),
    ...adminIdentityIssues(config),
    ...upstreamIssues(config),
  ];
  const teamIds = new Set(config.teams.map((t) => t.id));
  const upstreamNames = new Set(config.upstreams.map((u) => u.name));
  config.models.forEach((model, i) => {
    if (model.targets) {
      model.targets.forEach((t, j) => {
        if (!upstreamNames.has(t.upstream)) {
          issues.push({ path: `/models/${i}/targets/${j}/upstream`, message: `no upstream named "${t.upstream}"` });
        }
      });
    } else if (!model.upstream) {
      issues.push({ path: `/models/${i}/upstream`, message: 'is required (or give targets)' });
    } else if (!upstreamNames.has(model.upstream)) {
      issues.push({ path: `/models/${i}/upstream`, message: `no upstream named "${model.upstream}"` });
    }
  });
  const modelIds = new Set(config.models.map((m) => m.id));
  config.apiKeys.forEach((k, i) => {
    if (!k.key && !k.keyHash) issues.push({ path: `/apiKeys/${i}`, message: 'needs key or keyHash' });
    if (k.team !== undefined && !teamIds.has(k.team))
      issues.push({ path: `/apiKeys/${i}/team`, message: `no team with id "${k.team}"` });
    if (k.expiresAt !== undefined && Number.isNaN(Date.parse(k.expiresAt)))
      issues.push({ path: `/apiKeys/${i}/expiresAt`, message: 'is not a real date and time' });
    k.models?.forEach((m, j) => {
      if (!modelIds.has(m)) issues.push({ path: `/apiKeys/${i}/models/${j}`, message: `no model with id "${m}"` });
    });
  });
  issues.push(...promptLogIssues(config, modelIds));
  return issues;
}

// The prompt log names keys and models that must exist, and its patterns must compile: a typo
// would otherwise log nothing, or fail every request it should have redacted.
function promptLogIssues(config: Config, modelIds: Set<string>): ConfigIssue[] {
  const log = config.server.telemetry.promptLog;
  const base = '/server/telemetry/promptLog';
  const keyIds = new Set(config.apiKeys.map((k) => k.id));
  const issues: ConfigIssue[] = [];
  log.keys.forEach((k, i) => {
    if (!keyIds.has(k)) issues.push({ path: `${base}/keys/${i}`, message: `no key with id "${k}"` });
  });
  log.models.forEach((m, i) => {
    if (!modelIds.has(m)) issues.push({ path: `${base}/models/${i}`, message: `no model with id "${m}"` });
  });
  log.redact.forEach((pattern, i) => {
    try {
      new RegExp(pattern, 'g');
    } catch (err) {
      issues.push({
        path: `${base}/redact/${i}`,
        message: `is not a valid regular expression: ${(err as Error).message}`,
      });
    }
  });
  return issues;
}
