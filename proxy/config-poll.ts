/**
 * Fallback reload trigger: Azure Files (SMB) delivers no inotify events, so besides the explicit
 * reload call the proxy looks at the config file's mtime every few seconds (a cheap stat).
 */
import { promises as fs } from 'node:fs';

/** Calls `onChange` when `file`'s mtime or size changes; returns a stop function. */
export function pollFileChanges(file: string, intervalMs: number, onChange: () => void): () => void {
  let last: string | undefined;
  const check = async () => {
    try {
      const st = await fs.stat(file);
      const sig = `${st.mtimeMs}:${st.size}`;
      if (last !== undefined && sig !== last) onChange();
      last = sig;
    } catch {
      // Missing for a moment during an atomic replace: look again next time.
    }
  };
  void check();
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
