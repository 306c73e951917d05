/** The lines shown and the sentence above them (how many, of how many, when). */
import { component, type Self } from '../../component.js';
import { empty, errorBox, loading } from '../../components/alerts.js';
import { h, type Child } from '../../dom.js';
import { num } from '../../format.js';
import { t } from '../../i18n.js';
import { logEntry } from './log-entry.js';

type Json = Record<string, unknown>;

/** What was read: nothing yet, a failure, or the lines shown out of `total` at `time`. */
export type LogsRead =
  | { phase: 'loading' }
  | { phase: 'failed'; error: unknown }
  | { phase: 'ready'; shown: Json[]; total: number; time: string };

/** The sentence keeps the last successful read's (a failure only replaces the lines). */
function Meta(_: null, self: Self<{ read: LogsRead }>): Child {
  const { read } = self.state;
  return read.phase === 'ready'
    ? t('logs.meta', { shown: num(read.shown.length), total: num(read.total), time: read.time })
    : null;
}

function Lines(_: null, self: Self<{ read: LogsRead }>): Child {
  const { read } = self.state;
  if (read.phase === 'loading') return loading();
  if (read.phase === 'failed') return errorBox(read.error);
  return read.shown.length
    ? h('ol', { class: 'log-entries', 'aria-label': t('logs.lines') }, read.shown.map(logEntry))
    : empty(t('logs.none'));
}

/** The sentence (a live region) and the box of lines; `show` updates both. */
export function logLines(): { meta: HTMLElement; box: HTMLElement; show: (read: LogsRead) => void } {
  const first: LogsRead = { phase: 'loading' };
  const meta = component(h('p', { class: 'muted small', 'aria-live': 'polite' }), Meta, null, { read: first });
  const box = component(h('div', { class: 'log-box' }), Lines, null, { read: first });
  return {
    meta: meta.host,
    box: box.host,
    show: (read) => {
      if (read.phase === 'ready') meta.set({ read });
      box.set({ read });
    },
  };
}
