/**
 * The request search: every client request the proxy answered (refusals, upstream errors and
 * clients that left included) and those Caddy answered itself, filtered by request id, key,
 * model, status and time; the sentence above the table says how far back the proxy's log reaches.
 */
import { getJson } from '../../api.js';
import { component, type Self } from '../../component.js';
import { alertBox, empty, errorBox, loading } from '../../components/alerts.js';
import { control } from '../../components/control.js';
import { h, type Child } from '../../dom.js';
import { dateTime, num } from '../../format.js';
import { t } from '../../i18n.js';
import { filterSelect, searchInput } from './filter-inputs.js';
import {
  REQUEST_RANGES,
  STATUS_CHOICES,
  asRequestAnswer,
  requestQuery,
  type RequestAnswer,
  type RequestFilters,
  type RequestRange,
} from './request-filter.js';
import { requestTable } from './request-table.js';

/** Filters survive navigation and language switches. */
const filters: RequestFilters = { id: '', key: '', model: '', status: '', range: '1h', limit: '200' };

type Read = { phase: 'loading' } | { phase: 'failed'; error: unknown } | { phase: 'ready'; answer: RequestAnswer };

function Meta(_: null, self: Self<{ read: Read }>): Child {
  const { read } = self.state;
  if (read.phase !== 'ready') return null;
  const a = read.answer;
  return [
    t('requests.meta', { shown: num(a.rows.length), matched: num(a.matched) }),
    ' ',
    a.capacity !== null && a.since !== null
      ? t('requests.reach', {
          capacity: num(a.capacity),
          since: dateTime(a.since),
          oldest: a.oldestAt !== null ? dateTime(a.oldestAt, true) : '—',
        })
      : null,
  ];
}

function Rows(_: null, self: Self<{ read: Read }>): Child {
  const { read } = self.state;
  if (read.phase === 'loading') return loading();
  if (read.phase === 'failed') return errorBox(read.error);
  const { rows, proxyUnavailable } = read.answer;
  return [
    proxyUnavailable !== null ? alertBox('warn', t('requests.proxyUnavailable', { reason: proxyUnavailable })) : null,
    rows.length ? requestTable(rows) : empty(t('requests.none')),
  ];
}

/** The toolbar, the sentence and the table of the request search, and how to reload them. */
export function requestSearch(signal: AbortSignal): {
  toolbar: HTMLElement;
  meta: HTMLElement;
  box: HTMLElement;
  reload: () => void;
} {
  const first: Read = { phase: 'loading' };
  const meta = component(h('p', { class: 'muted small', 'aria-live': 'polite' }), Meta, null, { read: first });
  const box = component(h('div', { class: 'request-box' }), Rows, null, { read: first });
  const load = async () => {
    let answer: RequestAnswer;
    try {
      answer = asRequestAnswer(await getJson<unknown>(`/requests?${requestQuery(filters, Date.now())}`, signal));
    } catch (error) {
      if (!signal.aborted) box.set({ read: { phase: 'failed', error } });
      return;
    }
    if (signal.aborted) return;
    meta.set({ read: { phase: 'ready', answer } });
    box.set({ read: { phase: 'ready', answer } });
  };
  const reload = () => void load();
  const set = (k: 'id' | 'key' | 'model') => (v: string) => {
    filters[k] = v;
  };
  const status = filterSelect(
    [
      h('option', { value: '' }, t('requests.anyStatus')),
      STATUS_CHOICES.map((s) => h('option', { value: s }, s === '0' ? t('requests.left') : s)),
    ],
    filters.status,
    (v) => {
      filters.status = v;
      reload();
    },
  );
  const range = filterSelect(
    (Object.keys(REQUEST_RANGES) as RequestRange[]).map((r) => h('option', { value: r }, t(`requests.range.${r}`))),
    filters.range,
    (v) => {
      filters.range = v as RequestRange;
      reload();
    },
  );
  const limit = filterSelect(
    ['100', '200', '500', '1000', '2000'].map((n) => h('option', { value: n }, n)),
    filters.limit,
    (v) => {
      filters.limit = v;
      reload();
    },
  );
  const toolbar = h(
    'div',
    { class: 'toolbar card', 'data-search': 'requests' },
    control(t('requests.id'), searchInput(filters.id, 'req_…', set('id'), reload)),
    control(t('requests.key'), searchInput(filters.key, t('requests.keyPlaceholder'), set('key'), reload)),
    control(t('requests.model'), searchInput(filters.model, 'gpt-4o-mini', set('model'), reload)),
    control(t('requests.status'), status),
    control(t('requests.range'), range),
    control(t('logs.limit'), limit),
  );
  return { toolbar, meta: meta.host, box: box.host, reload };
}
