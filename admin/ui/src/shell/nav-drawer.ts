/** Whether the menu is open as a drawer (phones): the body's class and the menu button follow. */
let open = false;
const listeners = new Set<() => void>();

/** Whether the drawer is open. */
export function navOpen(): boolean {
  return open;
}

/** Opens or closes the drawer; opening it moves focus into the menu. */
export function setNavOpen(next: boolean): void {
  open = next;
  document.body.classList.toggle('nav-open', next);
  for (const l of listeners) l();
  if (next) document.querySelector<HTMLElement>('#nav a[aria-current="page"], #nav a')?.focus();
}

/** Calls `fn` whenever the drawer opens or closes; returns how to stop. */
export function onNavToggle(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
