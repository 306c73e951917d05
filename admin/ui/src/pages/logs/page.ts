/**
 * Logs: the request search (every client request, refusals included: request-search.ts), the
 * proxy's recent structured log lines (kept in its memory) or Caddy's (the tail of its log file),
 * filtered by level, model, request id and text; the admin API has already removed secrets. Each
 * line opens to show all of its fields.
 */
import { getJson, isRecord } from '../../api.js';
import { control } from '../../components/control.js';
import { pageHeader } from '../../components/page-header.js';
import { segmented } from '../../components/segmented.js';
import { busyWith, h, type Child } from '../../dom.js';
import { t } from '../../i18n.js';
import { icon } from '../../icons.js';
import type { Page } from '../../page.js';
import { logQuery, matches, type LogFilters } from './log-filter.js';
import { logLines } from './log-lines.js';
import { timeOfDay } from '../../format.js';
import { filterSelect, searchInput } from './filter-inputs.js';
import { requestSearch } from './request-search.js';

type Json = Record<string, unknown>;
const FOLLOW_MS = 5_000;
const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type View = 'requests' | 'proxy' | 'caddy';
/** What the page shows; the request search first, as that is what an operator looks for most. */
let view: View = 'requests';

/** Filters survive navigation and language switches. */
const filters: LogFilters & { follow: boolean } = {
  source: 'proxy',
  level: '',
  model: '',
  reqId: '',
  text: '',
  limit: '200',
  follow: false,
};

function draw(signal: AbortSignal): Child {
  const lines = logLines();
  const load = async () => {
    let got: Json[];
    try {
      const res = await getJson<Json>(`/logs?${logQuery(filters)}`, signal);
      got = Array.isArray(res.lines) ? res.lines.filter(isRecord) : [];
    } catch (error) {
      if (!signal.aborted) lines.show({ phase: 'failed', error });
      return;
    }
    if (!signal.aborted)
      lines.show({
        phase: 'ready',
        shown: got.filter((l) => matches(l, filters)).reverse(),
        total: got.length,
        time: timeOfDay(new Date()),
      });
  };
  const reload = () => void load();
  const level = filterSelect(
    [
      h('option', { value: '' }, t('logs.anyLevel')),
      LEVELS.map((l) => h('option', { value: l }, t(`logs.level.${l}`))),
    ],
    filters.level,
    (v) => {
      filters.level = v;
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
  const follow = h('input', { type: 'checkbox', id: 'logs-follow', checked: filters.follow });
  follow.addEventListener('change', () => {
    filters.follow = follow.checked;
  });
  const requests = requestSearch(signal);
  const logToolbar = h('div', { class: 'toolbar card', 'data-search': 'logs' });
  // Shows the parts of the chosen view and hides the others' (each keeps its filters).
  const showView = () => {
    for (const el of [requests.toolbar, requests.meta, requests.box]) el.hidden = view !== 'requests';
    for (const el of [logToolbar, lines.meta, lines.box]) el.hidden = view === 'requests';
  };
  const source = segmented<View>(
    t('logs.source'),
    [
      { value: 'requests', label: t('logs.requests') },
      { value: 'proxy', label: t('logs.proxy') },
      { value: 'caddy', label: t('logs.caddy') },
    ],
    view,
    (v) => {
      view = v;
      if (v !== 'requests') filters.source = v;
      showView();
      if (v === 'requests') requests.reload();
      else reload();
    },
  );

  // The hidden view shows no spinner: it loads when it is chosen.
  if (view === 'requests') {
    requests.reload();
    lines.show({ phase: 'ready', shown: [], total: 0, time: '' });
  } else reload();
  showView();
  const timer = setInterval(() => {
    if (!filters.follow) return;
    if (view === 'requests' && !busyWith(requests.box)) requests.reload();
    else if (view !== 'requests' && !busyWith(lines.box)) reload();
  }, FOLLOW_MS);
  signal.addEventListener('abort', () => clearInterval(timer));
  logToolbar.append(
    control(t('logs.level'), level),
    control(
      t('logs.model'),
      searchInput(filters.model, 'gpt-4o-mini', (v) => (filters.model = v), reload),
    ),
    control(
      t('logs.requestId'),
      searchInput(filters.reqId, 'req-…', (v) => (filters.reqId = v), reload),
    ),
    control(
      t('logs.text'),
      searchInput(filters.text, t('logs.textPlaceholder'), (v) => (filters.text = v), reload),
    ),
    control(t('logs.limit'), limit),
  );
  const again = () => (view === 'requests' ? requests.reload() : reload());
  return [
    pageHeader(
      t('nav.logs'),
      t('logs.lead'),
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary', onClick: again },
        icon('refresh', 16),
        t('action.refresh'),
      ),
    ),
    h(
      'div',
      { class: 'toolbar card' },
      h('div', { class: 'field' }, h('span', { class: 'label' }, t('logs.source')), source),
      h(
        'div',
        { class: 'field field-check' },
        h('div', { class: 'check' }, follow, h('label', { for: 'logs-follow' }, t('logs.follow'))),
      ),
    ),
    requests.toolbar,
    logToolbar,
    requests.meta,
    requests.box,
    lines.meta,
    lines.box,
  ];
}

/** The Logs page. */
export const logsPage: Page = {
  title: 'nav.logs',
  draw: (_, signal) => draw(signal),
};
