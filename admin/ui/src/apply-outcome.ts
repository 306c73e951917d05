/**
 * What an apply (PUT /admin/api/config) came to, from the API's answer: applied (with its steps
 * and warnings), invalid (the `{path, message}` issues, each once), a conflict (412: someone else
 * changed the config), failed (the steps, whether the rollback completed, the server's hint) or
 * another error.
 */
import { ApiError, asIssues, asSteps, isRecord, type Issue, type Step } from './api.js';

/** Outcome of an apply. */
export type ApplyOutcome =
  | { kind: 'applied'; steps: Step[]; warnings: Issue[]; unchanged: boolean }
  | { kind: 'invalid'; issues: Issue[]; message: string }
  | { kind: 'conflict'; message: string }
  | { kind: 'failed'; message: string; steps: Step[]; rolledBack: boolean | undefined; hint?: string }
  | { kind: 'error'; message: string; status: number };

/** The outcome of a 2xx answer's body. */
export function appliedOutcome(data: unknown): ApplyOutcome {
  const body = isRecord(data) ? data : {};
  return {
    kind: 'applied',
    steps: asSteps(body.steps),
    warnings: asIssues(body.warnings),
    unchanged: body.unchanged === true,
  };
}

/** The outcome of what the PUT threw. */
export function failedOutcome(err: unknown): ApplyOutcome {
  if (!(err instanceof ApiError))
    return { kind: 'error', message: err instanceof Error ? err.message : String(err), status: 0 };
  if (err.status === 400 && err.issues.length)
    return { kind: 'invalid', issues: dedupe(err.issues), message: err.message };
  if (err.status === 412) return { kind: 'conflict', message: err.message };
  if (err.steps.length) {
    const hint = typeof err.body.hint === 'string' ? err.body.hint : undefined;
    return {
      kind: 'failed',
      message: err.message,
      steps: err.steps,
      rolledBack: err.rolledBack,
      ...(hint ? { hint } : {}),
    };
  }
  return { kind: 'error', message: err.message, status: err.status };
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\n${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
