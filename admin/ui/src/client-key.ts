/**
 * The client key pasted in the Playground, used for the Playground's own requests and for an
 * upstream's "send a test request". Kept in memory (gone on reload) unless the user asks to keep
 * it for this tab (sessionStorage, never localStorage). It is never rendered back.
 */
const STORAGE_KEY = 'gw.playground.key';

let key = '';
try {
  key = sessionStorage.getItem(STORAGE_KEY) ?? '';
} catch {
  // Storage disabled: memory only.
}

/** The pasted key, or ''. */
export function clientKey(): string {
  return key;
}

/** Whether the key is kept for this tab. */
export function keptForTab(): boolean {
  try {
    return sessionStorage.getItem(STORAGE_KEY) !== null;
  } catch {
    return false;
  }
}

/** Sets the key; `keep` stores it in sessionStorage for this tab only. */
export function setClientKey(value: string, keep: boolean): void {
  key = value.trim();
  try {
    if (keep && key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Memory only.
  }
}
