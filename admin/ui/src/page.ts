/** What a page module provides to the shell. */
import type { Child } from './dom.js';
import type { MsgKey } from './i18n.js';

/** A page: its title, what it loads first, and how it draws itself. */
export interface Page<D = unknown> {
  /** Menu and document title. */
  title: MsgKey;
  /** The lead paragraph under the title while the page loads (or failed to). */
  lead?: MsgKey;
  /** Whether the page edits the shared config draft (it re-renders when the draft is replaced, and shows server issues). */
  editsConfig?: boolean;
  /** What the page needs before it can be drawn (a spinner shows meanwhile); `signal` aborts when the user leaves. */
  load?(signal: AbortSignal): Promise<D>;
  /** The page: its components, wired together, starting what they load themselves; drawn once per visit. */
  draw(data: D, signal: AbortSignal): Child;
}
