/** Each upstream's credential and each target's state (from the proxy's /targets). */
import { asText as str, isRecord } from '../../api.js';
import { empty, errorBox } from '../../components/alerts.js';
import { card } from '../../components/card.js';
import { state } from '../../components/status.js';
import { table } from '../../components/table.js';
import { config } from '../../config-state.js';
import { h } from '../../dom.js';
import { dateTime, num, relative } from '../../format.js';
import { t } from '../../i18n.js';

type Json = Record<string, unknown>;

function credentialState(s: Json): HTMLElement {
  const st = str(s.state);
  if (st === 'ok') return state(t('state.credentialOk'), 'ok');
  if (st === 'unused') return state(t('state.credentialUnused'), 'muted');
  return state(t('state.credentialError'), 'error');
}

function targetState(v: Json): HTMLElement {
  switch (str(v.state)) {
    case 'healthy':
      return state(t('state.healthy'), 'ok');
    case 'cooling_down':
      return state(t('state.coolingDown'), 'warn');
    case 'half_open':
      return state(t('state.halfOpen'), 'warn');
    case 'circuit_open':
      return state(t('state.circuitOpen'), 'error');
    default:
      return state(str(v.state) || '—', 'muted');
  }
}

function upstreamRows(targets: Json | undefined): (string | HTMLElement)[][] {
  const upstreams = (config.draft.upstreams ?? config.original?.upstreams) as unknown;
  const list = Array.isArray(config.original?.upstreams)
    ? (config.original.upstreams as unknown[]).filter(isRecord)
    : Array.isArray(upstreams)
      ? upstreams.filter(isRecord)
      : [];
  const creds = isRecord(targets?.upstreams) ? targets.upstreams : {};
  return list.map((u) => {
    const name = str(u.name);
    const s = isRecord(creds[name]) ? creds[name] : undefined;
    const auth = isRecord(u.auth) ? u.auth : isRecord(config.original?.auth) ? config.original.auth : {};
    return [
      name,
      h('code', { class: 'wrap' }, str(u.baseUrl)),
      str(s?.mode) || str(auth.mode) || 'defaultAzureCredential',
      s ? credentialState(s) : targets ? state('—', 'muted') : state(t('state.unknown'), 'muted'),
      s?.expiresAt ? `${dateTime(str(s.expiresAt))} (${relative(str(s.expiresAt))})` : '—',
      s?.lastError ? h('span', { class: 'error-text' }, str(s.lastError)) : '—',
    ];
  });
}

function targetsTable(views: [string, Json][]): HTMLElement {
  return table(
    t('overview.targets'),
    [
      t('overview.target'),
      t('common.status'),
      t('overview.successFailures'),
      t('overview.remaining'),
      t('overview.lastError'),
    ],
    views.map(([key, v]) => [
      key,
      targetState(v),
      `${num(Number(v.successes) || 0)} / ${num(Number(v.failures) || 0)}`,
      v.remainingRequests !== undefined || v.remainingTokens !== undefined
        ? t('overview.remainingValue', { r: num(v.remainingRequests as number), tk: num(v.remainingTokens as number) })
        : '—',
      v.lastError
        ? h(
            'span',
            { class: 'error-text' },
            `${str(v.lastError)}${v.lastErrorAt ? ` (${relative(str(v.lastErrorAt))})` : ''}`,
          )
        : '—',
    ]),
  );
}

/** The upstreams of the stored config with the proxy's view of them (`targets`, or the error). */
export function upstreamsCard(targets: Json | undefined, err: unknown): HTMLElement {
  const rows = upstreamRows(targets);
  const views = isRecord(targets?.targets)
    ? Object.entries(targets.targets).filter((e): e is [string, Json] => isRecord(e[1]))
    : [];
  return card(
    t('overview.upstreams'),
    h(
      'div',
      null,
      !targets ? errorBox(err, t('overview.proxyUnreachable')) : null,
      rows.length
        ? table(
            t('overview.upstreams'),
            [
              t('models.upstreamName'),
              t('models.baseUrl'),
              t('overview.authMode'),
              t('overview.credential'),
              t('overview.tokenExpiry'),
              t('overview.lastError'),
            ],
            rows,
          )
        : empty(t('overview.noUpstreams')),
      views.length
        ? h('div', null, h('h3', null, t('overview.targets')), targetsTable(views))
        : targets
          ? h('p', { class: 'muted small' }, t('overview.targetsHint'))
          : null,
    ),
    {
      actions: h('a', { href: '/admin/models', 'data-nav': 'models', class: 'btn btn-ghost btn-sm' }, t('nav.models')),
    },
  );
}
