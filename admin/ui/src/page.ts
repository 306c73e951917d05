/** What a page module provides to the shell. */
import type { MsgKey } from './i18n.js';

export interface Page {
  /** Menu and document title. */
  title: MsgKey;
  /** Whether the page edits the shared config draft (it re-renders when the draft is replaced, and shows server issues). */
  editsConfig?: boolean;
  /** Draws the page into `root`; `signal` aborts when the user leaves (stop timers, requests). */
  render(root: HTMLElement, signal: AbortSignal): void | Promise<void>;
}
