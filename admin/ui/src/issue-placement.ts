/**
 * Where the server's `{path, message}` issues are shown: on the field or card whose path is the
 * issue's, or else the nearest enclosing one (the message then starts with the rest of the path);
 * the ones with no such place are listed apart, at the top of the page.
 */
import type { Issue } from './api.js';
import { pointer, pointerSegments } from './json-pointer.js';

/** The messages for each target path, and the issues placed nowhere. */
export function placeIssues(
  targets: ReadonlySet<string>,
  issues: Issue[],
  /** Names the part of the issue's path below its field (default: that part of the pointer). */
  nameRest: (issuePath: string, targetPath: string) => string = (p, target) => p.slice(target.length + 1),
): { placed: Map<string, string[]>; unplaced: Issue[] } {
  const placed = new Map<string, string[]>();
  const unplaced: Issue[] = [];
  for (const issue of issues) {
    const segs = pointerSegments(issue.path);
    let target: string | undefined;
    for (let n = segs.length; n >= 1 && target === undefined; n--) {
      const p = pointer(...segs.slice(0, n));
      if (targets.has(p)) target = p;
    }
    if (target === undefined) {
      unplaced.push(issue);
      continue;
    }
    const message = target === issue.path ? issue.message : `${nameRest(issue.path, target)}: ${issue.message}`;
    placed.set(target, [...(placed.get(target) ?? []), message]);
  }
  return { placed, unplaced };
}

/**
 * The issues of one entry of a config list (`/apiKeys/3/limits/requestsPerMinute`) with paths
 * relative to the entry (`/limits/requestsPerMinute`), as a key or team form names its fields;
 * issues elsewhere in the config keep their path (no field of the form has it).
 */
export function entryIssues(issues: Issue[], list: 'apiKeys' | 'teams'): Issue[] {
  const prefix = new RegExp(`^/${list}/\\d+(?=/|$)`);
  return issues.map((i) => (prefix.test(i.path) ? { ...i, path: i.path.replace(prefix, '') || '/' } : i));
}
