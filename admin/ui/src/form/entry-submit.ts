/**
 * Sending a key's or team's form: what the form found wrong, or what the server answered with
 * `{path, message}` issues (JSON pointers into the whole config), goes on the fields it names; the
 * rest is said under the button.
 */
import { ApiError, type Issue } from '../api.js';
import type { Self } from '../component.js';
import { t, type MsgKey } from '../i18n.js';
import { entryIssues } from '../issue-placement.js';
import type { FormResult } from './form-result.js';
import { showIssues } from './show-issues.js';

/** What `submitEntry` needs. */
export interface EntrySubmit<T> {
  /** The form (or dialog) whose fields carry paths relative to the entry. */
  root: Element;
  result: Self<{ result: FormResult }>;
  /** The config list the entry belongs to. */
  list: 'apiKeys' | 'teams';
  /** Problems found before sending (nothing is sent when there are any). */
  problems: Issue[];
  busy: MsgKey;
  failed: MsgKey;
  send: () => Promise<T>;
}

function focusFirstInvalid(root: Element): void {
  // The error slots mark their fields when they draw, in a microtask: look after it.
  setTimeout(() => {
    const control = root.querySelector<HTMLElement>('.field.invalid :is(input, select, textarea)');
    // A field in a closed section (limits and budget) is shown first.
    for (let d = control?.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
    control?.focus();
  }, 0);
}

/** The server's issues with paths relative to the entry; "that id exists" belongs to the id field. */
function serverIssues(err: unknown, list: 'apiKeys' | 'teams'): Issue[] {
  if (!(err instanceof ApiError)) return [];
  if (err.code === 'key_exists' || err.code === 'team_exists') return [{ path: '/id', message: t('form.idTaken') }];
  return entryIssues(err.issues, list);
}

/** Sends the form unless it has problems; resolves with what `send` answered, or undefined. */
export async function submitEntry<T>(s: EntrySubmit<T>): Promise<T | undefined> {
  showIssues(s.root, s.problems);
  if (s.problems.length) {
    s.result.set({ result: { kind: 'invalid' } });
    focusFirstInvalid(s.root);
    return undefined;
  }
  s.result.set({ result: { kind: 'busy', text: s.busy } });
  try {
    const answer = await s.send();
    s.result.set({ result: { kind: 'none' } });
    return answer;
  } catch (error) {
    const unplaced = showIssues(s.root, serverIssues(error, s.list));
    s.result.set({ result: { kind: 'failed', error, title: s.failed, unplaced } });
    focusFirstInvalid(s.root);
    return undefined;
  }
}
