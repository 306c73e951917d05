/**
 * What the operator had on screen, kept across a redraw of the same page (main.ts). A page draws
 * afresh from the config draft, so a config reload (after an apply, a discard, a rebase, or the
 * first load finishing just after the page showed) would otherwise close every section the
 * operator opened, drop the focus and scroll back to the top.
 */

/** The open sections, the focused field and the scroll position of a page. */
export interface ViewState {
  open: Set<string>;
  focus: string | undefined;
  scrollY: number;
}

// A section's place: the nearest element with an id or a config path (a card, a field, the section
// itself), and its order among the sections under that same element. Both survive a redraw and a
// language switch, which a summary's words do not.
function sectionKeys(root: HTMLElement): Map<HTMLDetailsElement, string> {
  const seen = new Map<string, number>();
  const keys = new Map<HTMLDetailsElement, string>();
  for (const d of root.querySelectorAll('details')) {
    const anchor = d.closest<HTMLElement>('[id], [data-path]');
    const place = anchor && root.contains(anchor) ? placeOf(anchor) : '';
    const n = seen.get(place) ?? 0;
    seen.set(place, n + 1);
    keys.set(d, `${place}|${n}`);
  }
  return keys;
}

function placeOf(el: HTMLElement): string {
  return el.id ? `#${el.id}` : `@${el.dataset.path ?? ''}`;
}

// The focused element's place: its id, or its config path and its order among the elements that
// share that path (a list's rows, a radio group).
function focusKey(root: HTMLElement): string | undefined {
  const el = document.activeElement;
  if (!(el instanceof HTMLElement) || !root.contains(el) || el === root) return undefined;
  if (el.id) return `#${el.id}`;
  const path = el.dataset.path;
  if (path === undefined) return undefined;
  const same = [...root.querySelectorAll<HTMLElement>('[data-path]')].filter((e) => e.dataset.path === path);
  return `@${path}|${same.indexOf(el)}`;
}

function focusTarget(root: HTMLElement, key: string): HTMLElement | undefined {
  if (key.startsWith('#')) return document.getElementById(key.slice(1)) ?? undefined;
  const bar = key.lastIndexOf('|');
  const path = key.slice(1, bar);
  const same = [...root.querySelectorAll<HTMLElement>('[data-path]')].filter((e) => e.dataset.path === path);
  return same[Number(key.slice(bar + 1))];
}

/** What `root` shows now, to give back after it is drawn again. */
export function captureView(root: HTMLElement): ViewState {
  const open = new Set<string>();
  for (const [d, key] of sectionKeys(root)) if (d.open) open.add(key);
  return { open, focus: focusKey(root), scrollY: window.scrollY };
}

/** Opens again the sections that were open, focuses the field that had the focus, scrolls back. */
export function restoreView(root: HTMLElement, view: ViewState): void {
  for (const [d, key] of sectionKeys(root)) if (view.open.has(key)) d.open = true;
  const target = view.focus === undefined ? undefined : focusTarget(root, view.focus);
  if (target && root.contains(target)) target.focus({ preventScroll: true });
  window.scrollTo({ top: view.scrollY, behavior: 'instant' });
}
