/** One log line: time, level, message and the fields worth a glance; opens to show all of them. */
import { h } from '../../dom.js';
import { timeOfDay } from '../../format.js';
import { levelName, lineTime } from './log-filter.js';

type Json = Record<string, unknown>;

const SHOWN_FIELDS = ['reqId', 'model', 'keyId', 'target', 'status', 'ms', 'method', 'url', 'upstream', 'outcome'];

/** The list item of line `l`. */
export function logEntry(l: Json): HTMLElement {
  const level = levelName(l.level);
  const at = lineTime(l);
  const chips = SHOWN_FIELDS.filter((k) => l[k] !== undefined && l[k] !== null).map((k) =>
    h('span', { class: 'kv' }, h('span', { class: 'k' }, k), h('span', { class: 'v' }, String(l[k]))),
  );
  return h(
    'li',
    { class: `log-entry level-${level}` },
    h(
      'details',
      null,
      h(
        'summary',
        null,
        h('span', { class: 'log-time' }, at !== '' ? timeOfDay(at) : ''),
        h('span', { class: `log-level lv-${level}` }, level || '—'),
        h('span', { class: 'log-msg' }, String(l.msg ?? l.message ?? '')),
        h('span', { class: 'log-chips' }, chips),
      ),
      h('pre', { class: 'code' }, JSON.stringify(l, null, 2)),
    ),
  );
}
