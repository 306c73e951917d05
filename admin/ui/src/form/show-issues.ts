/** Putting the server's issues on the fields and cards of the page shown (issue-placement.ts). */
import type { Issue } from '../api.js';
import { placeIssues } from '../issue-placement.js';
import { config } from '../config-state.js';
import { fieldWords } from '../field-words.js';
import { setFieldErrors } from './error-slot.js';

/** Shows each issue on its field or card under `root`; returns the ones placed nowhere. */
export function showIssues(root: Element, issues: Issue[]): Issue[] {
  for (const field of root.querySelectorAll('[data-field], [data-path].card')) setFieldErrors(field, [], 'server');
  const targets = new Map<string, Element>();
  for (const el of root.querySelectorAll('[data-field][data-path], .card[data-path]')) {
    const p = el.getAttribute('data-path');
    if (p !== null && !targets.has(p)) targets.set(p, el);
  }
  // Below its field, an issue's place is named in words ("Target 2 › Weight: …").
  const words = (p: string, target: string) =>
    fieldWords(p, config.draft).slice(fieldWords(target, config.draft).length).join(' › ');
  const { placed, unplaced } = placeIssues(new Set(targets.keys()), issues, words);
  for (const [path, messages] of placed) {
    const target = targets.get(path);
    if (target) setFieldErrors(target, messages, 'server');
  }
  return unplaced;
}
