/**
 * Logs: the proxy's recent structured log lines (kept in its memory) or Caddy's (the tail of its
 * log file), filtered by level, model, request id and text; the admin API has already removed
 * secrets. Each line opens to show all of its fields.
 */
import { getJson, isRecord } from '../api.js';
import { h, icon, mount } from '../dom.js';
import { num, timeOfDay } from '../format.js';
import { t } from '../i18n.js';
import type { Page } from '../page.js';
import { busyWith, control, empty, errorBox, loading, pageHeader, segmented } from '../ui.js';

type Json = Record<string, unknown>;
const LEVEL_NAMES: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const FOLLOW_MS = 5_000;
const SHOWN_FIELDS = ['reqId', 'model', 'keyId', 'target', 'status', 'ms', 'method', 'url', 'upstream', 'outcome'];

const filters = { source: 'proxy' as 'proxy' | 'caddy', level: '', model: '', reqId: '', text: '', limit: '200', follow: false };

function levelName(v: unknown): string {
  if (typeof v === 'number') return LEVEL_NAMES[v] ?? String(v);
  return typeof v === 'string' ? v.toLowerCase() : '';
}

function when(l: Json): number | string {
  if (typeof l.time === 'number') return l.time;
  if (typeof l.ts === 'number') return l.ts * 1000;
  return typeof l.time === 'string' ? l.time : typeof l.ts === 'string' ? l.ts : '';
}

function matches(l: Json): boolean {
  if (filters.model && !String(l.model ?? '').toLowerCase().includes(filters.model.toLowerCase())) return false;
  if (filters.reqId) {
    const ids = [l.reqId, l.requestId, l.request_id, isRecord(l.request) ? l.request.id : undefined].map((x) => String(x ?? ''));
    if (!ids.some((x) => x === filters.reqId) && !JSON.stringify(l).includes(filters.reqId)) return false;
  }
  if (filters.text && !JSON.stringify(l).toLowerCase().includes(filters.text.toLowerCase())) return false;
  return true;
}

function lineView(l: Json): HTMLElement {
  const level = levelName(l.level);
  const at = when(l);
  const chips = SHOWN_FIELDS.filter((k) => l[k] !== undefined && l[k] !== null).map((k) => h('span', { class: 'kv' }, h('span', { class: 'k' }, k), h('span', { class: 'v' }, String(l[k]))));
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

/** The Logs page. */
export const logsPage: Page = {
  title: 'nav.logs',
  async render(root, signal) {
    const out = h('div', { class: 'log-box' }, loading());
    const meta = h('p', { class: 'muted small', 'aria-live': 'polite' });
    const load = async () => {
      const q = new URLSearchParams({ source: filters.source, limit: filters.limit });
      if (filters.level) q.set('level', filters.level);
      // The server filters on one substring; the most selective one is sent, the rest applied here.
      const serverText = filters.reqId || filters.text || filters.model;
      if (serverText) q.set('q', serverText);
      let lines: Json[];
      try {
        const res = await getJson<Json>(`/logs?${q}`, signal);
        lines = Array.isArray(res.lines) ? res.lines.filter(isRecord) : [];
      } catch (err) {
        if (!signal.aborted) mount(out, errorBox(err));
        return;
      }
      if (signal.aborted) return;
      const shown = lines.filter(matches).reverse();
      meta.textContent = t('logs.meta', { shown: num(shown.length), total: num(lines.length), time: new Date().toLocaleTimeString() });
      mount(out, shown.length ? h('ol', { class: 'log-entries', 'aria-label': t('logs.lines') }, shown.map(lineView)) : empty(t('logs.none')));
    };

    const input = (value: string, placeholder: string, onChange: (v: string) => void, type = 'search') => {
      const el = h('input', { type, value, placeholder, autocomplete: 'off', spellcheck: 'false' });
      let timer: ReturnType<typeof setTimeout> | undefined;
      el.addEventListener('input', () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          onChange(el.value.trim());
          void load();
        }, 300);
      });
      return el;
    };
    const level = h('select', null, h('option', { value: '' }, t('logs.anyLevel')), ['debug', 'info', 'warn', 'error'].map((l) => h('option', { value: l }, t(`logs.level.${l as 'debug' | 'info' | 'warn' | 'error'}`))));
    level.value = filters.level;
    level.addEventListener('change', () => {
      filters.level = level.value;
      void load();
    });
    const limit = h('select', null, ['100', '200', '500', '1000', '2000'].map((n) => h('option', { value: n }, n)));
    limit.value = filters.limit;
    limit.addEventListener('change', () => {
      filters.limit = limit.value;
      void load();
    });
    const follow = h('input', { type: 'checkbox', id: 'logs-follow', checked: filters.follow });
    follow.addEventListener('change', () => {
      filters.follow = follow.checked;
    });

    mount(
      root,
      pageHeader(t('nav.logs'), t('logs.lead'), h('button', { type: 'button', class: 'btn btn-secondary', onClick: () => void load() }, icon('refresh', 16), t('action.refresh'))),
      h(
        'div',
        { class: 'toolbar card' },
        h('div', { class: 'field' }, h('span', { class: 'label' }, t('logs.source')), segmented(t('logs.source'), [{ value: 'proxy', label: t('logs.proxy') }, { value: 'caddy', label: t('logs.caddy') }], filters.source, (v) => {
          filters.source = v;
          void load();
        })),
        control(t('logs.level'), level),
        control(t('logs.model'), input(filters.model, 'gpt-4o-mini', (v) => (filters.model = v))),
        control(t('logs.requestId'), input(filters.reqId, 'req-…', (v) => (filters.reqId = v))),
        control(t('logs.text'), input(filters.text, t('logs.textPlaceholder'), (v) => (filters.text = v))),
        control(t('logs.limit'), limit),
        h('div', { class: 'field field-check' }, h('div', { class: 'check' }, follow, h('label', { for: 'logs-follow' }, t('logs.follow')))),
      ),
      meta,
      out,
    );
    await load();
    const timer = setInterval(() => {
      if (filters.follow && !busyWith(out)) void load();
    }, FOLLOW_MS);
    signal.addEventListener('abort', () => clearInterval(timer));
  },
};
