/** The requests found, newest first: time, status, what was asked, by whom, where it went, how long it took. */
import { empty } from '../../components/alerts.js';
import { table } from '../../components/table.js';
import { h, type Child } from '../../dom.js';
import { ms, timeOfDay } from '../../format.js';
import { t } from '../../i18n.js';
import { statusTone, type RequestRow } from './request-filter.js';

function status(r: RequestRow): Child {
  const label = r.status === 0 ? t('requests.left') : String(r.status);
  return h('span', { class: `badge badge-${statusTone(r.status)}` }, label);
}

// Who answered: the upstream, the gateway itself, or Caddy in front of it.
function answeredBy(r: RequestRow): string {
  if (r.source === 'caddy') return t('requests.byCaddy');
  return r.upstream ? t('requests.byUpstream') : t('requests.byGateway');
}

// Key ids, models, targets and error codes are data, shown as they are in every language.
function data(v: string): Child {
  return v ? h('span', { translate: 'no' }, v) : '—';
}

/** The table of `rows`. */
export function requestTable(rows: RequestRow[]): HTMLElement {
  if (!rows.length) return empty(t('requests.none'));
  return table(
    t('requests.caption'),
    [
      t('requests.time'),
      t('requests.status'),
      t('requests.request'),
      t('requests.key'),
      t('requests.model'),
      t('requests.target'),
      t('requests.duration'),
      t('requests.answeredBy'),
      t('requests.reason'),
      t('requests.id'),
    ],
    rows.map((r) => [
      timeOfDay(r.at),
      status(r),
      h('code', null, `${r.method} ${r.path}`),
      data(r.keyId),
      data(r.model !== '(none)' ? r.model : ''),
      data(r.target),
      ms(r.ms),
      answeredBy(r),
      data(r.error),
      r.id ? h('code', { class: 'request-id' }, r.id) : '—',
    ]),
    { numeric: [6], class: 'requests', stackOnPhone: true },
  );
}
